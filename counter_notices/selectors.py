"""Reads for counter-notices, each with its access check."""

from django.db.models import Q
from django.http import Http404

from accounts.permissions import is_reviewer, require_reviewer
from evidence.models import EvidenceFile
from registry.selectors import brands_for_user

from .models import CounterNotice, CounterNoticeStatus


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


def counter_notices_to_review(*, user):
    """Counter-notices waiting on trust and safety: court filings to check (any reviewer) and
    trademark, design and patent counter-notices for a senior's decision. Reviewers only (403)."""
    require_reviewer(user)
    return (CounterNotice.objects
            .filter(status__in=[CounterNoticeStatus.FILING_REVIEW, CounterNoticeStatus.FOR_DECISION])
            .select_related("case__listing__seller", "case__right__brand", "decision__decided_by")
            .order_by("court_action_due", "id"))


def counter_notice_for_review_get(*, user, pk: int):
    """One counter-notice for a reviewer (403 for anyone else), whatever its status."""
    require_reviewer(user)
    try:
        return (CounterNotice.objects.select_related("case__listing__seller", "case__right__brand", "case__report",
                                                     "decision__decided_by")
                .get(pk=pk))
    except CounterNotice.DoesNotExist:
        raise Http404("No such counter-notice") from None
