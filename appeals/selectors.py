"""Reads for appeals, each with its access check: the senior reviewers' list and page, and the
files filed with an appeal or a response (to either side of the case and to reviewers)."""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.permissions import is_reviewer, require_senior
from complaints.models import Party
from evidence.models import EvidenceFile
from registry.selectors import brands_for_user

from .models import Appeal, AppealStatus


def appeals_open(*, user) -> QuerySet[Appeal]:
    require_senior(user)
    return (
        Appeal.objects.filter(status=AppealStatus.OPEN)
        .select_related("case__listing__seller", "case__right__brand", "decision__decided_by", "filed_by")
    )


def appeal_get_for_senior(*, user, pk: int) -> Appeal:
    require_senior(user)
    try:
        return Appeal.objects.select_related(
            "case__listing__seller", "case__right__brand", "case__report", "decision__decided_by", "filed_by",
            "outcome_decision__decided_by",
        ).get(pk=pk)
    except Appeal.DoesNotExist:
        raise Http404("No such appeal") from None


def appeal_files(appeal: Appeal) -> dict:
    """The files of an appeal: the appellant's, and each response's, by response id."""
    links = list(appeal.evidence_links.select_related("file").order_by("id"))
    return {"appellant": [l.file for l in links if l.response_id is None],
            "responses": {r: [l.file for l in links if l.response_id == r] for r in {l.response_id for l in links}}}


def appeal_evidence_get(*, user, pk: int) -> EvidenceFile:
    """A file filed with an appeal or a response to one: to reviewers, to the listing's seller and
    to the reporting brand (each side sees what the other filed); 404 to anyone else."""
    link = "appeal_link__appeal__"
    if is_reviewer(user):
        allowed = Q(appeal_link__isnull=False)
    else:
        allowed = (Q(**{f"{link}case__listing__seller__members__user": user})
                   | Q(**{f"{link}case__report__brand__in": brands_for_user(user=user)}))
    file = EvidenceFile.objects.filter(allowed, pk=pk).distinct().first()
    if file is None:
        raise Http404("No such file")
    return file


def appeal_party_of(*, appeal: Appeal, user) -> str | None:
    """Which side `user` is on for this appeal's case (seller, reporter), or None."""
    case = appeal.case
    if case.listing.seller.members.filter(user=user).exists():
        return Party.SELLER
    if brands_for_user(user=user).filter(pk=case.brand_id).exists():
        return Party.REPORTER
    return None


def appeal_get_for_party(*, user, pk: int, party: str) -> Appeal:
    """An appeal on a case where `user` is the `party` side (the listing's seller, or a member of
    the reporting brand): that side may answer it. 404 to anyone else, the other side included."""
    appeal = Appeal.objects.select_related("case__listing__seller", "case__report").filter(pk=pk).first()
    if appeal is None or appeal_party_of(appeal=appeal, user=user) != party:
        raise Http404("No such appeal")
    return appeal
