"""Claims: a reviewer holds a case while deciding it. Claim the next case of the queue (SKIP
LOCKED on PostgreSQL, so reviewers never queue on one another), claim a given case, release it,
a senior reassigns it; a claim lapses after REVIEW_CLAIM_MINUTES and the beat gives lapsed cases
back to the queue. A reviewer holds at most REVIEW_MAX_CLAIMS cases at once."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.permissions import is_reviewer, require_senior
from audit.models import AuditEntry
from audit.services import audit_append, audit_schedule_link, audit_sign_written
from audit.transitions import IllegalTransition, check_move, transition
from common.db import execute_prepared
from complaints.models import Case, CaseState, claim_lapsed_q
from complaints.records import CaseError
from complaints.states import CASE_TRANSITIONS
from listings.models import Listing


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
        for segment, order in ((claim_lapsed_q(now), ("claim_expires_at", "id")),
                               (Q(state=CaseState.OPEN, due_at__lte=now), ("priority", "due_at", "id")),
                               (Q(state=CaseState.OPEN, due_at__gt=now), ("priority", "due_at", "id"))):
            case = Case.objects.select_for_update(skip_locked=True).filter(segment).order_by(*order).first()
            if case is not None:
                return case_claim_locked(case=case, reviewer=reviewer, cap_checked=True)
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
    # The first scan is claim_lapsed_q() (complaints.models, the one definition of a lapsed claim)
    # written out in SQL: keep the two alike.
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
    # The entries the statement wrote get their mac here (SQL cannot compute it): one UPDATE.
    target = {"created_at": now, "target_type": "complaints.case", "target_id": values["id"],
              "target_repr": f"Case C-{values['id']} · {values['listing_external_id']}"}
    audit_sign_written(entries=[
        *([{**target, "actor_id": None, "actor_repr": "system", "action": "case.open",
            "data": {"from": was, "to": CaseState.OPEN, "claim_expired": values["lapsed_holder"]}}]
          if was == CaseState.IN_REVIEW else []),
        {**target, "actor_id": reviewer.pk, "actor_repr": reviewer.get_username(), "action": "case.in_review",
         "data": {"from": CaseState.OPEN, "to": CaseState.IN_REVIEW}},
    ])
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
        return case_claim_locked(case=case, reviewer=reviewer)


def live_claims(*, reviewer):
    return Case.objects.filter(state=CaseState.IN_REVIEW, claimed_by=reviewer,
                               claim_expires_at__gt=timezone.now())


def _check_claim_cap(*, reviewer, holder_label: str = "You hold") -> None:
    if not is_reviewer(reviewer):
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


def _release_lapsed(*, case: Case) -> None:
    """A claim its holder abandoned would strand the case in review: give it back to the queue
    (audited, so the log shows whose claim lapsed)."""
    lapsed = Case.objects.select_for_update().filter(claim_lapsed_q(), pk=case.pk).first()
    if lapsed is not None:
        transition(obj=lapsed, to=CaseState.OPEN, actor=None, table=CASE_TRANSITIONS,
                   changes={"claimed_by": None, "claim_expires_at": None},
                   data={"claim_expired": lapsed.claimed_by.get_username()})
        case.refresh_from_db(fields=["state", "claimed_by", "claim_expires_at"])


def case_claim_locked(*, case: Case, reviewer, cap_checked: bool = False) -> Case:
    """Requires the case locked. Claim it for `reviewer` (a lapsed claim is released first)."""
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
    require_senior(senior, "Only senior reviewers can reassign cases.")
    if not is_reviewer(to_reviewer) or not to_reviewer.is_active:
        raise CaseError(f"{to_reviewer.get_username()} is not an active reviewer.")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.claimed_by_id == to_reviewer.pk and locked.is_in_review and not locked.claim_lapsed:
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
    case.refresh_from_db(fields=["state", "claimed_by", "claim_expires_at"])
    return locked


def claims_release_expired(*, batch_size: int = 200) -> int:
    """Give every case whose claim expired back to the open queue, in batches of `batch_size`
    (one short transaction each, audited per case). Returns how many were released."""
    released = 0
    while True:
        with transaction.atomic():
            # SKIP LOCKED: a reviewer re-claiming a lapsed case right now keeps it; the sweep moves on.
            batch = list(Case.objects.select_for_update(skip_locked=True, of=("self",)).filter(claim_lapsed_q())
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
