"""The rule stage of an ingest batch, set-based, in the batch's transaction.

The receiver of `listings_ingested` (listings.ingest.ingest_batch): every listing the batch wrote
is matched in one pass with the process's automaton (monitoring.matcher); then, for the hits, the
facts that may hold a rule off are read once for the batch (an undecided case or an active
restriction for the right; a reviewer's rejection or a person's reinstatement of the same facts,
each decided by the per-listing rule in monitoring.services on the few listings that have one),
and what follows is written with a handful of statements, whatever the number of hits:
- the cases (one INSERT) and their `case.open` audit entries (one COPY);
- in suppress mode, the automated decisions with their statements of reasons (one INSERT), their
  `decision.suppress` entries, and the suppressions: one bulk job whose actions are written
  applied (actions.bulk.bulk_job_create_applied: restrictions, listing status, webhook outbox,
  transparency statement records and one audit entry per chunk, in this transaction).
No e-mail, commit or chain link per hit: the audit chain is linked after commit (or by beat), the
webhook deliveries go through their outbox.
The automatic cases whose rule no longer matches their changed listing (a seller who fixed a
title) are released together (decisions.automated.cases_release_automated: a few statements for
the batch, their reinstatements applied in the batch's transaction).
"""

from collections import defaultdict
from typing import NamedTuple

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from actions.bulk import DecisionFacts, NewAction, bulk_job_create_applied
from actions.models import ActionKind, BulkJobKind, Restriction
from audit.services import AuditTarget, audit_append_many, audit_label
from common.db import insert_rows
from complaints.lanes import case_priority
from complaints.models import (
    DECISION_ROW_COLUMNS,
    UNDECIDED_STATES,
    Case,
    CaseSource,
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
from complaints.sla import case_due_at
from decisions.automated import cases_release_automated
from imagery.matching import image_matches
from imagery.selectors import images_snapshots
from imagery.services import listing_images_record
from listings.models import Listing
from registry.models import IPRight, RuleMode

from .matcher import Hit, current_matcher
from .services import _image_hits, _reviewer_reversed, case_open_automatic, held_by_person, relistings_find


def on_listings_ingested(sender, *, listings, extras=None, **kwargs) -> None:
    extras = extras or {}
    # The batch's pictures first (imagery), so the hashes the marketplace sent are matched below with
    # the rest of each listing, not again after commit (which doubled a pictured batch's time).
    listing_images_record(images={lid: keys["images"] for lid, keys in extras.items() if "images" in keys},
                          recheck=False)
    # A listing whose rule facts are as they were (a new price) answers as before: not checked
    # again, unless the change carried pictures or another optional key.
    listings_check_written(listings=[w for w in listings if w.facts_changed or w.id in extras])


def listings_check_written(*, listings) -> int:
    """Requires the transaction that wrote `listings` (listings.ingest.WrittenListing rows, locked
    by that write). Matches them and opens the cases and suppressions of their hits set-based.
    Returns cases opened."""
    if not listings:
        return 0
    matcher = current_matcher()
    changed = {w.id for w in listings if not w.created}  # a set: common.lookups
    open_automatic: dict[int, list[tuple[int, int]]] = defaultdict(list)
    if changed:
        for listing_id, case_id, right_id in Case.objects.filter(
                listing_id__any=changed, source=CaseSource.AUTOMATIC, state__in=UNDECIDED_STATES).values_list(
                "listing_id", "pk", "right_id"):
            open_automatic[listing_id].append((case_id, right_id))
    # Beside the text automaton (imagery): pictures near a reference picture (hashes the marketplace
    # sent; fetched pictures are checked when their fetch lands) and copies of removed listings. Few,
    # so opened one by one; but they count as matches, so a changed listing keeps their cases.
    pictures = image_matches(listing_ids={w.id for w in listings}, brand_ids=None) if matcher.rules else {}
    relistings = relistings_find(rows=[(w.id, w.title, w.description, w.brand_name, w.ships_from, w.seller_id)
                                       for w in listings])
    if not matcher.term_count and not open_automatic and not pictures and not relistings:
        return 0
    hits: list[tuple[object, Hit]] = []
    other: list[tuple[object, object]] = []
    released: list[int] = []
    # One scan for the batch (WrittenListing has the attributes the rules read).
    matched_all = matcher.match_many(listings) if matcher.term_count else [[] for _ in listings]
    for w, found in zip(listings, matched_all, strict=True):
        more = _image_hits(matcher, w, pictures.get(w.id, ())) + relistings.get(w.id, [])
        if w.id in open_automatic:
            matched = {hit.right_id for hit in [*found, *more]}
            for case_id, right_id in open_automatic[w.id]:
                if right_id not in matched:
                    released.append(case_id)
        hits.extend((w, hit) for hit in found)
        other.extend((w, hit) for hit in more)
    # Released before any case opens, as one by one: a released case no longer holds a hit off.
    cases_release_automated(case_ids=released)
    opened = sum(case_open_automatic(listing_id=w.id, hit=hit, text="") is not None for w, hit in other)
    return opened + _open_text_hits(hits)


def _open_text_hits(hits: list) -> int:
    if not hits:
        return 0
    hits = _not_held(hits)
    if not hits:
        return 0
    try:
        with transaction.atomic():
            return _open_cases(hits)
    except IntegrityError:
        # Race: a report opened a case for one of these listings and rights a moment ago (one open
        # case per listing and right). The per-listing path sees it and skips that one.
        return sum(case_open_automatic(listing_id=w.id, hit=hit, text=getattr(w, hit.field)) is not None
                   for w, hit in hits)


def _not_held(hits: list) -> list:
    """The hits no fact holds off, read once for the batch. A listing the batch created has no
    case or restriction yet: only changed listings are looked up."""
    changed = {w.id for w, _ in hits if not w.created}
    if not changed:
        return hits
    undecided = set(Case.objects.filter(listing_id__any=changed, state__in=UNDECIDED_STATES)
                    .values_list("listing_id", "right_id"))
    restricted = set(Restriction.objects.filter(listing_id__any=changed, lifted_at__isnull=True, case__isnull=False)
                     .values_list("listing_id", "case__right_id"))
    rejected = set(Case.objects.filter(listing_id__any=changed, source=CaseSource.AUTOMATIC, state=CaseState.REJECTED)
                   .values_list("listing_id", "right_id"))
    cleared = set(Restriction.objects.filter(listing_id__any=changed, cleared_facts__isnull=False)
                  .values_list("listing_id", "case__right_id"))
    kept = []
    for w, hit in hits:
        key = (w.id, hit.right_id)
        if key in undecided or key in restricted:
            continue
        if key in rejected or key in cleared:
            # The few with a history: the per-listing rules decide (and record a held hit).
            listing = Listing.objects.select_related("seller").get(pk=w.id)
            right = IPRight.objects.get(pk=hit.right_id)
            detection = hit.detection(getattr(w, hit.field))
            if key in rejected and _reviewer_reversed(listing=listing, right=right, detection=detection):
                continue
            if key in cleared and held_by_person(listing=listing, right=right, detection=detection):
                continue
        kept.append((w, hit))
    return kept


_CASE_COLUMNS = ("state", "priority", "claim_expires_at", "listing_snapshot", "created_at", "updated_at",
                 "claimed_by_id", "listing_id", "right_id", "report_id", "source", "due_at", "brand_id", "kind",
                 "detection")
# What the batch reads of a right and its brand: its lane (complaints.lanes.case_priority) and how a
# statement names it (complaints.reasons.statement_ground). Whole rows as models took ~20 ms for a
# batch's 450 rights, most of it converting columns nothing here reads. (Anything else read of
# them loads on access: an unregistered right's description, which monitoring never watches.)
_RIGHT_FIELDS = (*STATEMENT_RIGHT_FIELDS, "brand__good_faith_lane", "brand__trusted_flagger")
# One encoder for the batch's JSON columns: json.dumps(cls=...) builds one per call.
_JSON = DjangoJSONEncoder()


class _Opened(NamedTuple):
    """A case opened here, kept as a row rather than a model instance: what the batch reads of it
    once it is written, statement_compose included (as a case without a report)."""

    pk: int
    listing: object  # the WrittenListing
    right: IPRight
    detection: dict
    listing_snapshot: dict
    mode: str
    report_id: None = None


def _open_cases(hits: list) -> int:
    now = timezone.now()
    rights = {right.pk: right for right in IPRight.objects.select_related("brand").only(*_RIGHT_FIELDS).filter(
        pk__any={hit.right_id for _, hit in hits})}
    # Locked by the batch's write: read as they are for the snapshots and the suppressions alike.
    listings = {pk: (status, seller, seller_ext) for pk, status, seller, seller_ext in Listing.objects.filter(
        pk__any={w.id for w, _ in hits}).values_list("id", "status", "seller__name", "seller__external_id")}
    images = images_snapshots(listing_ids={w.id for w, _ in hits})  # one query for the batch
    lanes: dict[int, tuple[int, object]] = {}
    for right in rights.values():
        priority = case_priority(brand=right.brand, right=right)
        lanes[right.pk] = (priority, case_due_at(priority=priority, created_at=now))
    opened, rows = [], []
    for w, hit in hits:
        right = rights[hit.right_id]
        priority, due_at = lanes[right.pk]
        detection = hit.detection(getattr(w, hit.field))
        status, seller, _ = listings[w.id]
        snapshot = {"external_id": w.external_id, "title": w.title, "description": w.description,
                    "brand_name": w.brand_name, "seller": seller, "seller_id": w.seller_id,
                    "ships_from": w.ships_from, "price": str(w.price), "currency": w.currency,
                    "url": w.url, "status": status, "images": images[w.id]}
        opened.append((w, right, detection, snapshot, hit.mode))
        rows.append((CaseState.OPEN, priority, None, _JSON.encode(snapshot), now, now, None, w.id, right.pk, None,
                     CaseSource.AUTOMATIC, due_at, right.brand_id, right.kind, _JSON.encode(detection)))
    # As rows (COPY: the ORM spent ~0.1 ms a case building the INSERT), their ids read back by
    # (listing, right): one undecided case each, the database's constraint.
    insert_rows(Case._meta.db_table, _CASE_COLUMNS, rows)
    ids = {(listing_id, right_id): pk for listing_id, right_id, pk in Case.objects.filter(
        listing_id__any=[w.id for w, _ in hits], source=CaseSource.AUTOMATIC, state=CaseState.OPEN)
        .values_list("listing_id", "right_id", "pk")}
    cases = [_Opened(ids[(w.id, right.pk)], w, right, detection, snapshot, mode)
             for w, right, detection, snapshot, mode in opened]
    # Named without loading each case's listing (str(case) would read it: one query per hit).
    entries = [("case.open", AuditTarget(audit_label(Case), case.pk, case_repr(case.pk, case.listing.external_id)),
                {"automatic": case.detection}) for case in cases]
    decided = _decide_suppress([case for case in cases if case.mode == RuleMode.SUPPRESS], now=now)
    # Named as str(Decision) names one.
    entries += [("decision.suppress", AuditTarget(audit_label(Decision), decision_id,
                                                  decision_repr(decision_id, case.pk, facts.outcome)),
                 {"case": case.pk, "reason": facts.reason_code, "automated": True})
                for case, decision_id, facts in decided]
    audit_append_many(actor=None, entries=entries)
    if decided:
        bulk_job_create_applied(
            kind=BulkJobKind.TAKEDOWNS, title=f"Automatic suppressions of an ingest batch ({len(decided)})",
            actions=[NewAction(listing_id=case.listing.id, kind=ActionKind.SUPPRESS, decision_id=decision_id,
                               case_id=case.pk,
                               idempotency_key=f"decision:{decision_id}:{ActionKind.SUPPRESS}:{case.listing.id}")
                     for case, decision_id, _ in decided],
            decisions={decision_id: DecisionFacts(case.pk, facts.reason_code, facts.statement, True)
                       for case, decision_id, facts in decided},
            listings={case.listing.id: (listings[case.listing.id][0], case.listing.external_id,
                                        listings[case.listing.id][2]) for case, _, _ in decided})
    return len(cases)


class _Decided(NamedTuple):
    outcome: str
    reason_code: str
    statement: str


def _decide_suppress(cases: list[_Opened], *, now) -> list[tuple[_Opened, int, _Decided]]:
    """The automated decisions of the cases opened in suppress mode, as rows (COPY), their ids read
    back by case (a case opened here has only this one): [(case, decision id, what it says)]."""
    if not cases:
        return []
    grounds: dict[int, str] = {}  # by right: the same ground paragraph for each of its cases
    decided = []
    for case in cases:
        right, detection = case.right, case.detection
        reason = REASONS[AUTO_REASON_FOR_KIND[right.kind]]
        if right.pk not in grounds:
            grounds[right.pk] = statement_ground(reason=reason, right=right, source=AUTOMATIC_SOURCE)
        facts = (f"The listing uses the watched term “{detection['matched']}” ({detection['term_source']}) "
                 f"in its {detection['field']} and {detection['rule_label']} set by {right.brand}.")
        decided.append(_Decided(reason.outcome, reason.code, statement_compose(
            case=case, reason=reason, facts=facts, automated=True, ground=grounds[right.pk])))
    insert_rows(Decision._meta.db_table, DECISION_ROW_COLUMNS,
                [(case.pk, d.outcome, d.reason_code, d.statement, None, True, None, now)
                 for case, d in zip(cases, decided, strict=True)])
    decision_of = dict(Decision.objects.filter(case_id__any=[case.pk for case in cases])
                       .values_list("case_id", "id"))
    return [(case, decision_of[case.pk], d) for case, d in zip(cases, decided, strict=True)]
