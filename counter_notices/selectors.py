"""Reads for counter-notices, each with its access check."""

from django.db.models import Q
from django.http import Http404

from accounts.permissions import is_reviewer
from evidence.models import EvidenceFile
from registry.selectors import brands_for_user


def counter_notice_evidence_get(*, user, pk: int) -> EvidenceFile:
    """A file filed with a counter-notice or the rights holder's court action: to reviewers, to the
    listing's seller and to the reporting brand; 404 to anyone else."""
    link = "counter_notice_link__counter_notice__"
    if is_reviewer(user):
        allowed = Q(counter_notice_link__isnull=False)
    else:
        allowed = (Q(**{f"{link}case__listing__seller__members__user": user})
                   | Q(**{f"{link}case__report__brand__in": brands_for_user(user=user)}))
    file = EvidenceFile.objects.filter(allowed, pk=pk).distinct().first()
    if file is None:
        raise Http404("No such file")
    return file
