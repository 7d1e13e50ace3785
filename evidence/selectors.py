from django.db.models import QuerySet

from .models import EvidenceFile


def evidence_unattached() -> QuerySet[EvidenceFile]:
    """Files no other model links to yet: every reverse relation onto EvidenceFile is empty.

    Generic on purpose: complaints (reports, drafts) and later registry link with their own
    foreign keys, and a file held by any of them is attached.
    """
    qs = EvidenceFile.objects.all()
    for rel in EvidenceFile._meta.related_objects:
        qs = qs.filter(**{f"{rel.name}__isnull": True})
    return qs.distinct()
