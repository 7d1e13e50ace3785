"""Writes for reports and cases. Each function is one business operation in one transaction."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_append, audit_append_many, audit_schedule_link
from audit.transitions import IllegalTransition, check_move, transition
from evidence.models import EvidenceFile
from evidence.services import evidence_delete
from ipportal.db import execute_prepared
from listings.models import Listing
from registry.models import Brand, BrandRole, IPRight, RightStatus
from registry.selectors import brands_for_user, membership
from registry.services import RegistryError, right_describe_unregistered
from registry.unregistered import DescribeError, unregistered_right_clean

from .kinds import DetailsError, details_clean
from .models import (
    UNDECIDED_STATES,
    Case,
    CaseSource,
    CaseState,
    Decision,
    Priority,
    Report,
    ReportCaseLink,
    ReportDraft,
    ReporterCapacity,
    ReportEvidence,
)
from .reasons import Reason, statement_compose
from .signals import report_submitted
from .sla import case_due_at
from .states import CASE_TRANSITIONS


class ReportError(Exception):
    """A report that cannot be filed; `field` names the form field to show it beside."""

    def __init__(self, message: str, field: str | None = None):
        self.field = field
        super().__init__(message)


class CaseError(Exception):
    pass


MAX_LISTINGS_PER_REPORT = 300


def case_priority(*, brand: Brand, right: IPRight) -> int:
    """The review lane of a case on `right` reported for `brand` (complaints.models.Priority).

    An unregistered right always goes last, even for a trusted flagger or a good-faith brand: their
    lane rests on accurate notices about rights someone could check, while here the reviewer must
    also weigh whether the right exists at all, from the reporter's description alone.
    """
    if not right.registered:
        return Priority.UNREGISTERED
    if brand.good_faith_lane:  # the brand's record earned it (enforcement.good_faith)
        return Priority.TRUSTED
    if brand.trusted_flagger and right.is_verified:
        return Priority.TRUSTED
    return Priority.VERIFIED if right.is_verified else Priority.OTHER


def report_submit(
    *, reporter, brand: Brand, right: IPRight | None = None, capacity: str, explanation: str,
    contact_email: str, listings: list[Listing], declarations: dict[str, bool], signature: str,
    infringement_type: str = "", details: dict | None = None, evidence: list[EvidenceFile] = (),
    draft: ReportDraft | None = None, max_listings: int = MAX_LISTINGS_PER_REPORT,
    unregistered_right: dict | None = None,
) -> Report:
    """File a report and open one case per listing, all or nothing.

    Requires the reporter to act for `brand` (an agent: with an authorization in force, filing as
    agent) and either `right`, one of the brand's, or `unregistered_right`: the description of a
    right that is not registered ({"kind": ..., and the fields of registry.unregistered.SPECS}),
    created for the brand in this transaction, whose cases go to the lowest lane. `details` are the
    kind's answers (complaints.kinds). Duplicate listings are merged; a listing that already has an
    undecided case for the same right is linked to that case instead (report.case_links). Cases,
    links and their audit entries are bulk inserts: no query per listing. `evidence` is linked;
    `draft`, if given, is deleted; the confirmation email goes out after commit.
    """
    member = membership(user=reporter, brand=brand)
    if member is None:
        raise ReportError("You are not a member of this brand, or your authorization as its agent has "
                          "ended. Ask a brand admin to renew it.", field="brand")
    kind = _check_right(brand=brand, right=right, unregistered_right=unregistered_right)
    _check_not_suspended(reporter=reporter, brand=brand)
    if capacity not in ReporterCapacity.values:
        raise ReportError("Say whether you are the owner or an authorized agent.", field="capacity")
    if member.role == BrandRole.AGENT and capacity != ReporterCapacity.AGENT:
        raise ReportError("You act for this brand as its agent: file as an authorized agent.", field="capacity")
    if not explanation.strip():
        raise ReportError("Explain how the listings infringe the right.", field="explanation")
    listings = list({lst.pk: lst for lst in listings}.values())  # duplicates merged, order kept
    if not listings:
        raise ReportError("Add at least one listing.", field="listings")
    if len(listings) > max_listings:
        raise ReportError(f"{len(listings)} listings given; a report takes at most {max_listings}. "
                          "Split them over several reports.", field="listings")
    if not all(declarations.get(k) for k in ("good_faith", "accurate", "authority")):
        raise ReportError("Tick every declaration to file the report.", field="declarations")
    if not signature.strip():
        raise ReportError("Type your full name as your signature.", field="signature")
    values = dict(details or {})
    if infringement_type:
        values["infringement_type"] = infringement_type
    try:
        infringement_type, details = details_clean(kind=kind, values=values, evidence_count=len(evidence))
    except DetailsError as exc:
        raise ReportError(str(exc), field=exc.field) from exc

    _check_evidence(evidence)

    with transaction.atomic():
        if right is None:
            try:
                right = right_describe_unregistered(brand=brand, by=reporter, kind=kind, values={
                    k: v for k, v in unregistered_right.items() if k != "kind"})
            except RegistryError as exc:  # checked above; only a change since then gets here
                raise ReportError(str(exc), field=f"unregistered_right.{exc.field}") from exc
        report = Report.objects.create(
            brand=brand, right=right, reporter=reporter, kind=right.kind, capacity=capacity,
            infringement_type=infringement_type, details=details, explanation=explanation,
            contact_email=contact_email, decl_good_faith=True, decl_accurate=True, decl_authority=True,
            signature=signature.strip(), signed_at=timezone.now(),
        )
        audit_append(actor=reporter, action="report.submitted", target=report,
                     data={"listings": [lst.external_id for lst in listings], "right": right.pk})
        _open_cases(report=report, listings=listings, reporter=reporter)
        for file in evidence:
            ReportEvidence.objects.create(report=report, file=file)
        if evidence:
            audit_append(actor=reporter, action="report.evidence", target=report,
                         data={"files": [{"id": f.pk, "sha256": f.sha256} for f in evidence]})
        if draft is not None:
            draft.delete()
        report_submitted.send(sender=Report, report=report)
    return report


def _check_right(*, brand: Brand, right: IPRight | None, unregistered_right: dict | None) -> str:
    """The report's kind, once the right (or the description of an unregistered one) can support it."""
    if (right is None) == (unregistered_right is None):
        raise ReportError("Choose one of this brand's rights, or describe a right that is not registered "
                          "(not both).", field="right")
    if right is None:
        kind = str(unregistered_right.get("kind") or "")
        try:
            unregistered_right_clean(kind=kind, values=unregistered_right)
        except DescribeError as exc:
            raise ReportError(str(exc), field=f"unregistered_right.{exc.field}") from exc
        return kind
    if right.brand_id != brand.pk:
        raise ReportError("Choose one of this brand's registered rights.", field="right")
    if right.status in (RightStatus.REJECTED, RightStatus.EXPIRED):
        raise ReportError(f"This right is {right.get_status_display().lower()}; it cannot support a report. "
                          "Choose a pending or verified right.", field="right")
    return right.kind


def _check_not_suspended(*, reporter, brand: Brand) -> None:
    from .misuse import notifier_is_suspended  # misuse reads complaints' models; import at use

    sanction = notifier_is_suspended(reporter=reporter, brand=brand)
    if sanction is not None:
        raise ReportError(f"Notice processing for {sanction.subject_label} is suspended since "
                          f"{sanction.decided_at:%Y-%m-%d}: {sanction.reason} See Notice standing for "
                          "your figures and how to ask for the suspension to be lifted.", field="right")


def _open_cases(*, report: Report, listings: list[Listing], reporter) -> None:
    """One case per listing, or a link to the undecided case the listing already has for this right."""
    right = report.right
    taken: dict[int, Case] = {}
    for chunk in _chunks(listings, 1000):
        # Lock them: a decision or withdrawal racing this report must not leave a link to a case
        # that was just decided (the link would then point at a case the reporter cannot follow).
        for case in (Case.objects.select_for_update()
                     .filter(listing__in=[lst.pk for lst in chunk], right=right, state__in=UNDECIDED_STATES)):
            taken[case.listing_id] = case
    priority = case_priority(brand=report.brand, right=right)
    source = CaseSource.TRUSTED_FLAGGER if report.brand.trusted_flagger else CaseSource.REPORT
    due_at = case_due_at(priority=priority, created_at=timezone.now())
    # bulk_create skips Case.save(): set the queue's denormalized brand and kind here.
    new = [Case(report=report, listing=lst, right=right, brand=report.brand, kind=right.kind, priority=priority,
                source=source, due_at=due_at, listing_snapshot=lst.snapshot())
           for lst in listings if lst.pk not in taken]
    try:
        with transaction.atomic():
            Case.objects.bulk_create(new, batch_size=500)
    except IntegrityError as exc:  # race: another report opened one of them since we looked
        raise ReportError("Some of these listings were reported for this right a moment ago; "
                          "submit again to link them.", field="listings") from exc
    audit_append_many(actor=reporter, entries=[("case.open", case, {"report": report.pk}) for case in new])
    ReportCaseLink.objects.bulk_create([ReportCaseLink(report=report, case=case) for case in taken.values()],
                                       batch_size=500)
    audit_append_many(actor=reporter, entries=[("report.linked", case, {"report": report.pk})
                                               for case in taken.values()])


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _check_evidence(evidence) -> None:
    if len(evidence) > settings.EVIDENCE_MAX_OWNER_FILES:
        raise ReportError(f"A report takes at most {settings.EVIDENCE_MAX_OWNER_FILES} evidence files.",
                          field="evidence_upload")
    if sum(f.size for f in evidence) > settings.EVIDENCE_MAX_OWNER_BYTES:
        raise ReportError(f"A report takes at most {settings.EVIDENCE_MAX_OWNER_BYTES // (1024 * 1024)} MB "
                          "of evidence in all. Remove a file.", field="evidence_upload")
    # A file is filed with one report only: OneToOne on ReportEvidence.file enforces it; say so first.
    filed = [f.original_name for f in evidence if ReportEvidence.objects.filter(file=f).exists()]
    if filed:
        raise ReportError(f"Already filed with another report: {', '.join(filed)}. Upload it again.",
                          field="evidence_upload")


def report_draft_save(*, user, brand: Brand, data: dict, evidence: list[EvidenceFile],
                      right: IPRight | None = None, draft: ReportDraft | None = None) -> ReportDraft:
    """Create or update a draft of the brand's report with the typed `data` and the `evidence`.

    Requires `user` to act for `brand`. Files dropped from the draft are deleted.
    """
    if not brands_for_user(user=user).filter(pk=brand.pk).exists():
        raise ReportError("You are not a member of this brand.", field="right")
    with transaction.atomic():
        if draft is None:
            draft = ReportDraft.objects.create(brand=brand, right=right, created_by=user, data=data)
            audit_append(actor=user, action="report_draft.created", target=draft)
            dropped = []
        else:
            draft = ReportDraft.objects.select_for_update().get(pk=draft.pk)
            draft.right, draft.data = right, data
            draft.save(update_fields=["right", "data", "updated_at"])
            keep = {f.pk for f in evidence}
            dropped = [f for f in draft.evidence.all() if f.pk not in keep]
        draft.evidence.set(evidence)
        if dropped:
            evidence_delete(files=dropped, actor=user)
    return draft


def report_draft_delete(*, user, draft: ReportDraft) -> None:
    """Delete a draft and the files uploaded to it (they were never filed)."""
    if not brands_for_user(user=user).filter(pk=draft.brand_id).exists():
        raise ReportError("You are not a member of this brand.")
    with transaction.atomic():
        files = list(draft.evidence.all())
        audit_append(actor=user, action="report_draft.deleted", target=draft,
                     data={"files": [f.pk for f in files]})
        draft.delete()
        evidence_delete(files=files, actor=user)


def case_claim_next(*, reviewer) -> Case | None:
    """Give `reviewer` the next case, or None when the queue is empty.

    The order: a lapsed claim first (earliest lapsed; its case was already handed out once), then
    the queue's default order: overdue open cases, then the rest, each by lane then age. The row
    lock is held only for this short transaction; the claim then lives in claimed_by and
    claim_expires_at while the reviewer reads.
    Raises CaseError when the reviewer already holds REVIEW_MAX_OPEN_CLAIMS cases.

    The hottest write in the portal (8 reviewers pressing it at once must each wait only for
    their own claim). On PostgreSQL: the cap, then one prepared statement that picks, locks,
    claims and audits (_claim_next_pg), where the ORM took fifteen round trips (bench/queue_bench.py:
    p95 from ~200 ms to ~9 ms with 8 claimers). Elsewhere (SQLite, embedded): the ORM and
    transition(). Both check the case transition table and write the same audit entries.
    """
    with transaction.atomic():
        _check_claim_cap(reviewer=reviewer)
        now = timezone.now()
        if connection.vendor == "postgresql":
            return _claim_next_pg(reviewer=reviewer, now=now)
        # Elsewhere (SQLite, embedded: one writer at a time) the ORM and transition() do it: three
        # ordered reads, then the same moves, audited as the statement above audits them.
        for segment, order in ((_claim_expired(), ("claim_expires_at", "id")),
                               (Q(state=CaseState.OPEN, due_at__lte=now), ("priority", "due_at", "id")),
                               (Q(state=CaseState.OPEN, due_at__gt=now), ("priority", "due_at", "id"))):
            case = Case.objects.select_for_update(skip_locked=True).filter(segment).order_by(*order).first()
            if case is not None:
                return _claim(case=case, reviewer=reviewer, cap_checked=True)
        return None


def _claim_next_pg(*, reviewer, now) -> Case | None:
    """PostgreSQL: pick, lock, claim and audit in one statement (one round trip, planned once).

    Race: reviewers pressing "claim next" at once; SKIP LOCKED hands each a different row. `pick`
    runs three index range scans (case_claim_expiry_idx, then case_queue_idx twice) in turn under
    COALESCE until one finds a row, rather than one OR-ed query, which PostgreSQL can only answer
    by sorting the whole backlog; its outer FOR UPDATE reads the row as it is now. `claimed` writes
    the claim; `audited` appends the unlinked entries transition() would write (case.open for a
    lapsed claim first, then case.in_review). The transition table is checked on the row that
    comes back; a move it forbids raises and rolls everything back.
    """
    q = connection.ops.quote_name
    table, listings, users = q(Case._meta.db_table), q(Listing._meta.db_table), q(get_user_model()._meta.db_table)
    pick = (f"(SELECT id FROM {table} WHERE state = %s AND claim_expires_at <= %s "
            "ORDER BY claim_expires_at, id LIMIT 1 FOR UPDATE SKIP LOCKED), "
            f"(SELECT id FROM {table} WHERE state = %s AND due_at <= %s "
            "ORDER BY priority, due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED), "
            f"(SELECT id FROM {table} WHERE state = %s AND due_at > %s "
            "ORDER BY priority, due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)")
    # The columns by name, not c.*: a prepared statement whose result changes shape (a column added
    # by a migration while connections live) fails with "cached plan must not change result type".
    columns = ", ".join(f"c.{q(f.column)}" for f in _CASE_FIELDS)
    entry = (f"INSERT INTO {q(AuditEntry._meta.db_table)} (created_at, actor_id, actor_repr, action, target_type, "
             "target_id, target_repr, data, seq, prev_hash, hash) ")
    sql = (
        f"WITH pick AS (SELECT c.id, c.state, c.claimed_by_id FROM {table} c WHERE c.id = COALESCE({pick}) "
        "FOR UPDATE OF c), "
        f"claimed AS (UPDATE {table} c SET state = %s, claimed_by_id = %s, claim_expires_at = %s, updated_at = %s "
        f"FROM pick WHERE c.id = pick.id RETURNING {columns}, pick.state AS was, "
        f"(SELECT l.external_id FROM {listings} l WHERE l.id = c.listing_id) AS listing_external_id, "
        f"(SELECT u.username FROM {users} u WHERE u.id = pick.claimed_by_id) AS lapsed_holder), "
        f"audited AS ({entry}"
        "SELECT %s::timestamptz, NULL::bigint, 'system', 'case.open', 'complaints.case', id, "
        "'Case C-' || id || ' · ' || listing_external_id, "
        "jsonb_build_object('from', was, 'to', 'open', 'claim_expired', lapsed_holder), NULL::bigint, '', "
        "NULL::varchar FROM claimed WHERE was = %s "
        "UNION ALL SELECT %s::timestamptz, %s::bigint, %s::varchar, 'case.in_review', 'complaints.case', id, "
        "'Case C-' || id || ' · ' || listing_external_id, "
        "jsonb_build_object('from', 'open', 'to', 'in_review'), NULL::bigint, '', NULL::varchar FROM claimed) "
        "SELECT * FROM claimed"
    )
    expires = now + timedelta(minutes=settings.REVIEW_CLAIM_MINUTES)
    params = [CaseState.IN_REVIEW, now, CaseState.OPEN, now, CaseState.OPEN, now,
              CaseState.IN_REVIEW, reviewer.pk, expires, now,
              now, CaseState.IN_REVIEW,
              now, reviewer.pk, reviewer.get_username()]
    with connection.cursor() as cursor:
        execute_prepared(cursor, "case_claim_next", sql, params)
        row = cursor.fetchone()
        columns = [c[0] for c in cursor.description]
    if row is None:
        return None
    values = dict(zip(columns, row, strict=True))
    was = values["was"]
    moves = [(was, CaseState.IN_REVIEW)] if was != CaseState.IN_REVIEW else \
        [(CaseState.IN_REVIEW, CaseState.OPEN), (CaseState.OPEN, CaseState.IN_REVIEW)]  # a lapsed claim
    for frm, to in moves:
        if not check_move(CASE_TRANSITIONS, frm, to):
            raise IllegalTransition(Case(pk=values["id"]), frm, to)
    audit_schedule_link()
    case = Case.from_db(connection.alias, _CASE_ATTNAMES, [_from_db(f, values[f.column]) for f in _CASE_FIELDS])
    case.claimed_by = reviewer
    case.listing = Listing.from_db(connection.alias, ["id", "external_id"],
                                   [case.listing_id, values["listing_external_id"]])
    return case


_CASE_FIELDS = Case._meta.concrete_fields
_CASE_ATTNAMES = [f.attname for f in _CASE_FIELDS]


def _from_db(field, value):
    """A column as the ORM would hand it over (the driver hands jsonb over as text, for instance)."""
    expression = field.get_col(Case._meta.db_table)
    for convert in connection.ops.get_db_converters(expression) + field.get_db_converters(connection):
        value = convert(value, expression, connection)
    return value


def case_claim(*, case: Case, reviewer) -> Case:
    """Claim one specific open case (or one whose claim lapsed)."""
    with transaction.atomic():
        return _claim(case=case, reviewer=reviewer)


def live_claims(*, reviewer):
    return Case.objects.filter(state=CaseState.IN_REVIEW, claimed_by=reviewer,
                               claim_expires_at__gt=timezone.now())


def _check_claim_cap(*, reviewer, holder_label: str = "You hold") -> None:
    if not reviewer.is_reviewer:
        raise CaseError("Only reviewers can claim cases.")
    # Race: two tabs of one reviewer claiming at once would both pass the count; the lock on the
    # reviewer's own user row makes their claims take turns. One statement: the lock and the count
    # (case_claims_held_idx), on every claim.
    q = connection.ops.quote_name
    lock = connection.ops.for_update_sql() if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT COUNT(*) FROM {q(Case._meta.db_table)} WHERE claimed_by_id = %s "
                       "AND state = %s AND claim_expires_at > %s) "
                       f"FROM {q(get_user_model()._meta.db_table)} WHERE id = %s {lock}",
                       [reviewer.pk, CaseState.IN_REVIEW, timezone.now(), reviewer.pk])
        held = cursor.fetchone()[0]
    cap = settings.REVIEW_MAX_OPEN_CLAIMS
    if held >= cap:
        raise CaseError(f"{holder_label} {held} open cases, the most one reviewer may hold ({cap}). "
                        "Decide or release one before claiming another.")


def _claim_expired() -> Q:
    return Q(state=CaseState.IN_REVIEW, claim_expires_at__lte=timezone.now())


def _release_lapsed(*, case: Case) -> None:
    """A claim its holder abandoned would strand the case in review: give it back to the queue
    (audited, so the log shows whose claim lapsed)."""
    lapsed = Case.objects.select_for_update().filter(_claim_expired(), pk=case.pk).first()
    if lapsed is not None:
        transition(obj=lapsed, to=CaseState.OPEN, actor=None, table=CASE_TRANSITIONS,
                   changes={"claimed_by": None, "claim_expires_at": None},
                   data={"claim_expired": lapsed.claimed_by.get_username()})
        case.state, case.claimed_by, case.claim_expires_at = CaseState.OPEN, None, None


def _claim(*, case: Case, reviewer, cap_checked: bool = False) -> Case:
    if not cap_checked:
        _check_claim_cap(reviewer=reviewer)
    _release_lapsed(case=case)
    expires = timezone.now() + timedelta(minutes=settings.REVIEW_CLAIM_MINUTES)
    return transition(obj=case, to=CaseState.IN_REVIEW, actor=reviewer, table=CASE_TRANSITIONS,
                      changes={"claimed_by": reviewer, "claim_expires_at": expires})


def case_reassign(*, case: Case, senior, to_reviewer) -> Case:
    """Hand an open or claimed case to `to_reviewer` with a fresh claim. Senior reviewers only.

    Audited as case.reassigned with the previous holder. The new holder's claim cap applies.
    """
    if not senior.is_senior_reviewer:
        raise PermissionDenied("Only senior reviewers can reassign cases.")
    if not to_reviewer.is_reviewer or not to_reviewer.is_active:
        raise CaseError(f"{to_reviewer.get_username()} is not an active reviewer.")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.claimed_by_id == to_reviewer.pk and locked.state == CaseState.IN_REVIEW \
                and locked.claim_expires_at > timezone.now():
            raise CaseError(f"{to_reviewer.get_username()} already holds this case.")
        if locked.state not in (CaseState.OPEN, CaseState.IN_REVIEW):
            raise CaseError(f"This case is {locked.get_state_display().lower()}; only open or claimed "
                            "cases can be reassigned.")
        _check_claim_cap(reviewer=to_reviewer, holder_label=f"{to_reviewer.get_username()} holds")
        expires = timezone.now() + timedelta(minutes=settings.REVIEW_CLAIM_MINUTES)
        previous = locked.claimed_by.get_username() if locked.claimed_by_id else None
        if locked.state == CaseState.OPEN:
            transition(obj=locked, to=CaseState.IN_REVIEW, actor=senior, table=CASE_TRANSITIONS,
                       changes={"claimed_by": to_reviewer, "claim_expires_at": expires},
                       data={"assigned_by": senior.get_username()})
        else:
            # Same state, new holder: not a state move, so no transition(); the row is locked above.
            locked.claimed_by, locked.claim_expires_at = to_reviewer, expires
            locked.save(update_fields=["claimed_by", "claim_expires_at", "updated_at"])
        audit_append(actor=senior, action="case.reassigned", target=locked,
                     data={"from": previous, "to": to_reviewer.get_username()})
    case.state, case.claimed_by, case.claim_expires_at = locked.state, to_reviewer, expires
    return locked


def claims_release_expired(*, batch_size: int = 200) -> int:
    """Give every case whose claim expired back to the open queue, in batches of `batch_size`
    (one short transaction each, audited per case). Returns how many were released."""
    released = 0
    while True:
        with transaction.atomic():
            # SKIP LOCKED: a reviewer re-claiming a lapsed case right now keeps it; the sweep moves on.
            batch = list(Case.objects.select_for_update(skip_locked=True, of=("self",)).filter(_claim_expired())
                         .select_related("claimed_by").order_by("claim_expires_at", "id")[:batch_size])
            for case in batch:
                transition(obj=case, to=CaseState.OPEN, actor=None, table=CASE_TRANSITIONS,
                           changes={"claimed_by": None, "claim_expires_at": None},
                           data={"claim_expired": case.claimed_by.get_username()})
        released += len(batch)
        if len(batch) < batch_size:
            return released


def case_release(*, case: Case, reviewer) -> Case:
    """Give a claimed case back to the queue."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.claimed_by_id != reviewer.pk:
            raise CaseError("You do not hold this case.")
        return transition(obj=case, to=CaseState.OPEN, actor=reviewer, table=CASE_TRANSITIONS,
                          changes={"claimed_by": None, "claim_expires_at": None})


def case_check_claim(*, case: Case, reviewer) -> None:
    """Raise CaseError unless `reviewer` holds a live claim on `case` (row must be locked)."""
    if case.state != CaseState.IN_REVIEW:
        raise CaseError(f"This case is {case.get_state_display().lower()}; it can no longer be decided.")
    if case.claimed_by_id != reviewer.pk:
        raise CaseError("Another reviewer holds this case. Claim a case before deciding it.")
    if case.claim_expires_at is None or case.claim_expires_at <= timezone.now():
        raise CaseError("Your claim on this case expired. Claim it again to decide.")


def decision_record(*, case: Case, actor, reason: Reason, facts: str, to_state: str,
                    supersedes: Decision | None = None, automated: bool = False,
                    statement: str | None = None, audit_data: dict | None = None) -> Decision:
    """Record a decision and move the case. Building block of the enforcement services, which
    create the enforcement actions in the same transaction; call those, not this.

    `statement`: the statement of reasons as the reviewer edited it; None composes it from the
    reason's template and the facts. `audit_data`: more for the decision's audit entry."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("decision_record must run inside the enforcement service's transaction")
    if not facts.strip():
        raise CaseError("Give the facts behind the decision; the seller reads them.")
    if statement is not None and not statement.strip():
        raise CaseError("The statement of reasons is empty. The seller reads it: write it, or press "
                        "Preview to compose it from the reason and the facts.")
    changes = {"claimed_by": None, "claim_expires_at": None} if case.state == CaseState.IN_REVIEW else {}
    transition(obj=case, to=to_state, actor=actor, table=CASE_TRANSITIONS, changes=changes,
               data={"reason": reason.code})
    decision = Decision.objects.create(
        case=case, outcome=reason.outcome, reason_code=reason.code, decided_by=actor, automated=automated,
        statement=(statement.strip() if statement is not None
                   else statement_compose(case=case, reason=reason, facts=facts, automated=automated)),
        supersedes=supersedes,
    )
    audit_append(actor=actor, action=f"decision.{reason.outcome}", target=decision,
                 data={"case": case.pk, "reason": reason.code, **(audit_data or {})})
    return decision
