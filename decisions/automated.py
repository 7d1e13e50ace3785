"""Automated enforcement: a suppression decided by the portal's rules, not by a person.

Goes through the same pipeline as a reviewer's takedown (a Decision, then an EnforcementAction
applied by the worker after commit, then the marketplace webhook). The case stays open in the
review queue: a reviewer confirms (remove) or reverses (reject, which reinstates) it.
"""

from typing import NamedTuple

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from actions.bulk import DecisionFacts, NewAction, bulk_job_create_applied
from actions.models import ActionKind, ActionStatus, BulkJobKind, EnforcementAction
from actions.services import action_apply, action_create
from audit.services import AuditTarget, audit_append, audit_append_many, audit_label
from audit.transitions import IllegalTransition, check_move
from common import dates
from common.db import insert_rows
from complaints.models import (
    AUTO_RULE_NO_LONGER_MATCHES,
    DECISION_ROW_COLUMNS,
    UNDECIDED_STATES,
    Case,
    CaseState,
    Decision,
    case_repr,
    decision_repr,
)
from complaints.reasons import (
    AUTO_REASON_FOR_KIND,
    AUTOMATIC_SOURCE,
    REASONS,
    STATEMENT_RIGHT_FIELDS,
    statement_compose,
    statement_ground,
)
from complaints.records import decision_check, decision_record
from complaints.states import CASE_TRANSITIONS
from notifications.services import notify_many_on_commit, notify_on_commit
from registry.models import IPRight


def case_suppress_automated(*, case: Case, facts: str) -> Decision:
    """Record an automated suppress decision on an open automatic case and queue the suppression.

    One transaction (or part of the caller's). The case's state does not move: it waits for a
    reviewer. DSA Art. 17(3)(c): the statement says detection and decision
    were automated.
    """
    reason = REASONS[AUTO_REASON_FOR_KIND[case.kind]]
    with transaction.atomic():
        decision = Decision.objects.create(
            case=case, outcome=reason.outcome, reason_code=reason.code, decided_by=None, automated=True,
            statement=statement_compose(case=case, reason=reason, facts=facts, automated=True),
        )
        audit_append(actor=None, action="decision.suppress", target=decision,
                     data={"case": case.pk, "reason": reason.code, "automated": True})
        action_create(decision=decision, kind=ActionKind.SUPPRESS, actor=None)
    return decision


def case_release_automated(*, case_id: int) -> Decision | None:
    """The protection rule that opened an automatic case no longer matches its listing (the rule was
    relaxed, or the listing changed): the case closes with a system decision and its statement, and
    the automatic suppression, if any, lifts (a reinstate action, applied after commit; the listing
    goes back up unless something else restricts it). None when the case was decided meanwhile."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or not case.is_undecided:
            return None
        decision = decision_record(
            case=case, actor=None, reason=REASONS[AUTO_RULE_NO_LONGER_MATCHES], automated=True,
            to_state=CaseState.REJECTED, supersedes=case.decisions.order_by("-id").first(),
            facts=_release_facts(case))
        if case.actions.filter(kind=ActionKind.SUPPRESS).exists():
            action_create(decision=decision, kind=ActionKind.REINSTATE, actor=None)
        notify_on_commit("case_decided", decision.pk)
    return decision


def _release_facts(case, day: str | None = None) -> str:
    """`day`: today as a statement names it, when the caller releases many cases (formatting it took
    more than the rest of a case's facts)."""
    rule = case.detection.get("rule_label", "the protection rule")
    return (f"The listing was restricted automatically because {rule}. On "
            f"{day or dates.day(timezone.localdate())} the rule no longer matched it.")


class _Released(NamedTuple):
    """A case cases_release_automated releases, as a row rather than a model instance: what its
    statement (statement_compose) and audit entries read of it."""

    pk: int
    state: str
    listing_id: int
    listing_external_id: str
    right_id: int
    detection: dict
    listing_snapshot: dict
    right: IPRight  # statement_compose's; STATEMENT_RIGHT_FIELDS loaded
    report_id: None = None  # an automatic case has none (monitoring opens them so)


def cases_release_automated(*, case_ids: list[int]) -> list[int]:
    """Requires the caller's transaction (an ingest batch's). case_release_automated for many cases
    in a few statements, whatever their number: the cases locked (primary-key order) and moved in one
    UPDATE, their decisions and statements in one INSERT, the audit entries in one, the
    reinstatements of their automatic suppressions as one bulk job applied here (restrictions lifted,
    listing status, webhook outbox: actions.bulk), the e-mails of each decision and reinstatement on commit. The cases
    decided meanwhile are left. Automatic cases only (monitoring opens them without a report).
    Returns the decisions' ids."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("cases_release_automated must run inside the caller's transaction")
    # Race: a reviewer deciding one of these now; the lock waits for them, then the state filter
    # (re-read under the lock) leaves the case they decided.
    locked = list(Case.objects.select_for_update(of=("self",)).filter(pk__any=case_ids).order_by("pk")
                  .values_list("pk", flat=True))
    # As rows, each right read once and its ground composed once: releasing a batch's ~500 cases
    # took 150-157 ms with models of the cases, listings, brands and rights, 112-127 ms so (measured).
    rows = list(Case.objects.filter(pk__any=locked, state__in=UNDECIDED_STATES).order_by("pk").values_list(
        "pk", "state", "listing_id", "listing__external_id", "right_id", "detection", "listing_snapshot"))
    if not rows:
        return []
    rights = {right.pk: right for right in IPRight.objects.select_related("brand").only(*STATEMENT_RIGHT_FIELDS)
              .filter(pk__any={row[4] for row in rows})}
    cases = [_Released(*row, rights[row[4]]) for row in rows]
    reason = REASONS[AUTO_RULE_NO_LONGER_MATCHES]
    to_state = CaseState.REJECTED
    today = dates.day(timezone.localdate())
    grounds: dict[int, str] = {}  # by right: the same paragraph for each of its cases
    texts = []
    for case in cases:
        facts = _release_facts(case, today)
        decision_check(facts=facts, statement=None)
        if not check_move(CASE_TRANSITIONS, case.state, to_state):
            raise IllegalTransition(case, case.state, to_state)
        if case.right_id not in grounds:
            grounds[case.right_id] = statement_ground(reason=reason, right=case.right, source=AUTOMATIC_SOURCE)
        texts.append(statement_compose(case=case, reason=reason, facts=facts, automated=True,
                                       ground=grounds[case.right_id]).strip())
    ids = [case.pk for case in cases]
    # What each supersedes: its newest decision so far (the automatic suppression's, if any).
    latest = dict(Decision.objects.filter(case_id__any=ids).values("case_id").annotate(last=Max("id"))
                  .values_list("case_id", "last"))
    now = timezone.now()
    Case.objects.filter(pk__any=ids).update(state=to_state, claimed_by=None, claim_expires_at=None, updated_at=now)
    insert_rows(Decision._meta.db_table, DECISION_ROW_COLUMNS,
                [(case.pk, reason.outcome, reason.code, text, None, True, latest.get(case.pk), now)
                 for case, text in zip(cases, texts, strict=True)])
    # Each case's newest decision is the one taken here (its row is locked).
    decision_ids = dict(Decision.objects.filter(case_id__any=ids).order_by("id").values_list("case_id", "id"))
    entries = []
    for case in cases:
        decision_id = decision_ids[case.pk]
        entries.append((f"case.{to_state}", AuditTarget(audit_label(Case), case.pk,
                                                        case_repr(case.pk, case.listing_external_id)),
                        {"from": case.state, "to": to_state, "reason": reason.code}))
        target = AuditTarget(audit_label(Decision), decision_id, decision_repr(decision_id, case.pk, reason.outcome))
        entries.append((f"decision.{reason.outcome}", target, {"case": case.pk, "reason": reason.code}))
    audit_append_many(actor=None, entries=entries)
    suppressed = set(EnforcementAction.objects.filter(case_id__any=ids, kind=ActionKind.SUPPRESS)
                     .values_list("case_id", flat=True))
    if suppressed:
        # A reinstatement comes after what it reverses (actions.services.action_create): the
        # takedowns of these cases still pending are applied first. Rare: an ingest batch applies
        # its suppressions in its own transaction.
        for pending in (EnforcementAction.objects.filter(case_id__any=suppressed, status=ActionStatus.PENDING,
                                                         kind__in=[ActionKind.REMOVE, ActionKind.SUPPRESS])
                        .order_by("pk").values_list("pk", flat=True)):
            action_apply(action_id=pending)
        # Applied here, so written applied (actions.bulk.bulk_job_create_applied).
        job = bulk_job_create_applied(
            kind=BulkJobKind.TAKEDOWNS, title=f"Automatic cases released by an ingest batch ({len(suppressed)})",
            actions=[NewAction(listing_id=case.listing_id, kind=ActionKind.REINSTATE,
                               decision_id=decision_ids[case.pk], case_id=case.pk,
                               idempotency_key=f"decision:{decision_ids[case.pk]}:{ActionKind.REINSTATE}:"
                                               f"{case.listing_id}")
                     for case in cases if case.pk in suppressed],
            decisions={decision_ids[case.pk]: DecisionFacts(case.pk, reason.code, text, True)
                       for case, text in zip(cases, texts, strict=True) if case.pk in suppressed})
        # Each reinstatement's e-mails, as action_apply queues them for an action of no job.
        notify_many_on_commit("action_applied", EnforcementAction.objects.filter(bulk_job=job).values_list(
            "pk", flat=True))
    notify_many_on_commit("case_decided", [decision_ids[case.pk] for case in cases])
    return [decision_ids[case.pk] for case in cases]
