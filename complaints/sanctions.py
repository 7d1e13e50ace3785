"""Misuse of the notice system (DSA Art. 23): measured per reporter and per brand, warnings then
suspension proposed by the system past configurable thresholds, each step confirmed by a senior.

Lives in complaints because report_submit refuses a suspended reporter and complaints imports
nothing above it. Reads only complaints' own rows: a takedown "reversed on
appeal" is a decision with one of REVERSED_ON_APPEAL_REASONS.
"""

from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.permissions import require_senior
from audit.services import audit_append
from audit.transitions import transition
from common import dates
from common.text import plural
from registry.models import Brand, BrandMember

from .models import (
    RESTRICTING_OUTCOMES,
    UNDECIDED_STATES,
    Case,
    CaseState,
    Sanction,
    SanctionLevel,
    SanctionStatus,
)
from .reasons import REASONS, REVERSED_ON_APPEAL_REASONS, UNFOUNDED_REASONS
from .records import decision_record
from .states import SANCTION_TRANSITIONS


class SanctionError(Exception):
    pass


@dataclass(frozen=True)
class Figures:
    decided: int
    unfounded: int
    takedowns: int
    reversed: int
    # Takedowns the reporter withdrew afterwards: the listing comes back and the strike goes, so a
    # withdraw-and-refile loop would otherwise never count. Counted with the reversed ones.
    withdrawn: int = 0

    @property
    def unfounded_share(self) -> float:
        return self.unfounded / self.decided if self.decided else 0.0

    @property
    def reversed_share(self) -> float:
        return (self.reversed + self.withdrawn) / self.takedowns if self.takedowns else 0.0

    def past_thresholds(self) -> list[str]:
        """The thresholds these figures pass, in words; empty when none (or too few decisions)."""
        if self.decided < settings.NOTIFIER_MIN_DECIDED:
            return []
        why = []
        if self.unfounded_share > settings.NOTIFIER_UNFOUNDED_SHARE:
            why.append(f"{self.unfounded} of {self.decided} decided notices ({self.unfounded_share:.0%}) were "
                       f"rejected as unfounded; the limit is {settings.NOTIFIER_UNFOUNDED_SHARE:.0%}.")
        if self.reversed_share > settings.NOTIFIER_REVERSED_SHARE:
            withdrawn = f" or withdrawn by the reporter ({self.withdrawn})" if self.withdrawn else ""
            why.append(f"{self.reversed + self.withdrawn} of {self.takedowns} takedowns ({self.reversed_share:.0%}) "
                       f"were reversed on the seller's appeal{withdrawn}; the limit is "
                       f"{settings.NOTIFIER_REVERSED_SHARE:.0%}.")
        return why

    def as_dict(self) -> dict:
        return {**asdict(self), "unfounded_share": round(self.unfounded_share, 4),
                "reversed_share": round(self.reversed_share, 4)}


def _subject_q(*, brand: Brand | None = None, reporter=None, prefix: str = "") -> Q:
    if (brand is None) == (reporter is None):
        raise ValueError("give exactly one of brand, reporter")
    return Q(**{f"{prefix}brand": brand}) if brand is not None else Q(**{f"{prefix}reporter": reporter})


def reporter_figures(*, brand: Brand | None = None, reporter=None, since=None) -> Figures:
    """The reporter's (or brand's) record over its cases (reported since `since`, if given)."""
    cases = Case.objects.filter(_subject_q(brand=brand, reporter=reporter, prefix="report__"))
    if since is not None:
        cases = cases.filter(created_at__gte=since)
    decided = cases.filter(decisions__isnull=False).exclude(decisions__reason_code="notifier_suspended")
    return Figures(
        decided=decided.distinct().count(),
        # A rejection confirmed (or not appealed) stays unfounded; one reversed on the reporter's appeal does not.
        unfounded=cases.filter(state__in=[CaseState.REJECTED, CaseState.UPHELD],
                               decisions__reason_code__in=UNFOUNDED_REASONS).distinct().count(),
        takedowns=cases.filter(decisions__outcome__in=RESTRICTING_OUTCOMES).distinct().count(),
        reversed=cases.filter(decisions__reason_code__in=REVERSED_ON_APPEAL_REASONS).distinct().count(),
        withdrawn=cases.filter(state=CaseState.WITHDRAWN,
                               decisions__outcome__in=RESTRICTING_OUTCOMES).distinct().count(),
    )


def sanctions_of(*, brand: Brand | None = None, reporter=None) -> QuerySet[Sanction]:
    return Sanction.objects.filter(_subject_q(brand=brand, reporter=reporter))


def reporter_suspension(*, reporter, brand: Brand) -> Sanction | None:
    """The confirmed suspension that stops this reporter filing for this brand, if any."""
    return Sanction.objects.filter(
        Q(reporter=reporter) | Q(brand=brand), level=SanctionLevel.SUSPENSION, status=SanctionStatus.CONFIRMED,
    ).first()


def sanction_evaluate(*, brand: Brand | None = None, reporter=None) -> Sanction | None:
    """Propose the next step for one reporter or brand past a threshold: a warning, or, once a warning is
    confirmed and a new unfounded or reversed notice followed it, a suspension. Returns the new
    proposal, or None (nothing to propose, or one already waits for a senior)."""
    subject = sanctions_of(brand=brand, reporter=reporter)
    if subject.filter(level=SanctionLevel.SUSPENSION, status=SanctionStatus.CONFIRMED).exists():
        return None
    figures = reporter_figures(brand=brand, reporter=reporter)
    why = figures.past_thresholds()
    if not why:
        return None
    warning = subject.filter(level=SanctionLevel.WARNING, status=SanctionStatus.CONFIRMED).order_by("-id").first()
    level = SanctionLevel.WARNING
    if warning is not None:
        since = reporter_figures(brand=brand, reporter=reporter, since=warning.decided_at)
        if since.unfounded + since.reversed + since.withdrawn == 0:
            return None  # warned, and nothing unfounded since: wait
        level = SanctionLevel.SUSPENSION
        why.append(f"A warning was confirmed on {dates.day(warning.decided_at)}; since then "
                   f"{plural(since.unfounded + since.reversed, 'more notice')} "
                   f"{'was' if since.unfounded + since.reversed == 1 else 'were'} unfounded or reversed.")
    try:
        with transaction.atomic():
            sanction = Sanction.objects.create(brand=brand, reporter=reporter, level=level,
                                                       figures=figures.as_dict(), reason=" ".join(why))
            audit_append(actor=None, action="sanction.proposed", target=sanction, data=figures.as_dict())
    except IntegrityError:  # one proposal of this level already waits for a senior
        return None
    return sanction


def sanctions_evaluate_all() -> int:
    """The beat task: evaluate every reporter and brand with enough decided notices. Returns proposals made."""
    from .models import Report

    made = 0
    minimum = settings.NOTIFIER_MIN_DECIDED
    for field, model_kw in (("reporter", "reporter"), ("brand", "brand")):
        ids = (Report.objects.values_list(field, flat=True).distinct())
        for pk in ids:
            subject = {model_kw: Report._meta.get_field(field).related_model.objects.get(pk=pk)}
            if Case.objects.filter(**{f"report__{field}": pk}, decisions__isnull=False).distinct().count() < minimum:
                continue
            made += sanction_evaluate(**subject) is not None
    return made


def _require_senior(user) -> None:
    require_senior(user, "Only senior reviewers decide on notifier sanctions.")


def sanction_confirm(*, sanction: Sanction, senior, note: str = "") -> Sanction:
    """A senior confirms a proposed step. Confirming a suspension closes the reporter's pending
    cases, each with a decision giving the reason, in this transaction."""
    _require_senior(senior)
    with transaction.atomic():
        locked = transition(obj=sanction, to=SanctionStatus.CONFIRMED, actor=senior, table=SANCTION_TRANSITIONS,
                            field="status", changes={"decided_by": senior, "decided_at": timezone.now(),
                                                     "decision_note": note.strip()})
        if locked.level == SanctionLevel.SUSPENSION:
            closed = _close_pending(sanction=locked, senior=senior)
            Sanction.objects.filter(pk=locked.pk).update(closed_cases=closed)
            locked.closed_cases = closed
    return locked


def _close_pending(*, sanction: Sanction, senior) -> int:
    pending = (Case.objects.select_for_update()
               .filter(_subject_q(brand=sanction.brand, reporter=sanction.reporter, prefix="report__"),
                       state__in=UNDECIDED_STATES).order_by("id"))  # locked in id order: no deadlock
    closed = 0
    for case in pending:
        decision_record(case=case, actor=senior, reason=REASONS["notifier_suspended"], to_state=CaseState.REJECTED,
                        facts=f"Notice processing for {sanction.subject_label} was suspended on "
                              f"{dates.day(timezone.now())}: {sanction.reason}")
        closed += 1
    return closed


def sanction_dismiss(*, sanction: Sanction, senior, note: str) -> Sanction:
    _require_senior(senior)
    if not note.strip():
        raise SanctionError("Say why the proposal is dismissed.")
    with transaction.atomic():
        return transition(obj=sanction, to=SanctionStatus.DISMISSED, actor=senior, table=SANCTION_TRANSITIONS,
                          field="status", changes={"decided_by": senior, "decided_at": timezone.now(),
                                                   "decision_note": note.strip()})


def sanction_lift(*, sanction: Sanction, senior, note: str) -> Sanction:
    _require_senior(senior)
    if not note.strip():
        raise SanctionError("Say why the sanction is lifted.")
    with transaction.atomic():
        return transition(obj=sanction, to=SanctionStatus.LIFTED, actor=senior, table=SANCTION_TRANSITIONS,
                          field="status", data={"note": note.strip()})


def sanctions_for_senior(*, user) -> QuerySet[Sanction]:
    _require_senior(user)
    return Sanction.objects.select_related("brand", "reporter", "decided_by")


def sanction_get_for_senior(*, user, pk: int) -> Sanction:
    try:
        return sanctions_for_senior(user=user).get(pk=pk)
    except Sanction.DoesNotExist:
        raise Http404("No such sanction") from None


def new_brand_hold_reason(sender, user, **kwargs) -> str:
    """A new brand opened by a suspended reporter, or by a member of a brand whose notices are
    suspended, is held for review (registry.brand_create): a fresh brand must not be a way around
    a suspension, nor a way to file with an unregistered right the suspended brand could not."""
    suspended = Sanction.objects.filter(level=SanctionLevel.SUSPENSION, status=SanctionStatus.CONFIRMED)
    if suspended.filter(reporter=user).exists():
        return "Its creator's notices are suspended."
    brands = BrandMember.objects.filter(user=user).values("brand")
    names = list(suspended.filter(brand__in=brands).values_list("brand__name", flat=True))
    if names:
        return f"Its creator is a member of {', '.join(sorted(names))}, whose notices are suspended."
    return ""
