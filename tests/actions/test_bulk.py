"""Bulk enforcement: chunks applied with one listing UPDATE each, idempotent, resumable, counted."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from actions.bulk import NewAction, actions_apply_chunk, bulk_job_create
from actions.models import ActionKind, BulkJob, BulkJobKind, BulkJobStatus, EnforcementAction
from actions.services import actions_requeue_stale
from audit.models import AuditEntry
from audit.selectors import audit_chain_verify
from audit.services import _link_after_commit, audit_append, audit_append_many, audit_chain_pending
from listings.models import Listing, ListingStatus
from webhooks.models import WebhookDelivery, WebhookEvent

from ..factories import ListingFactory, SuspensionFactory, WebhookEndpointFactory


def _job(listings, *, kind=ActionKind.SUPPRESS, chunk_size=4, actor=None, suspension=None) -> BulkJob:
    """A suspension's job (a suspension row of the listings' seller, as approved)."""
    suspension = suspension or (SuspensionFactory(seller=listings[0].seller) if listings else SuspensionFactory())
    with transaction.atomic():
        return bulk_job_create(kind=BulkJobKind.SUSPEND, title="Test job", actor=actor, chunk_size=chunk_size,
                               actions=[NewAction(listing_id=lst.pk, kind=kind, idempotency_key=f"t:{kind}:{lst.pk}",
                                                  suspension_id=suspension.pk) for lst in listings])


def _ids(job):
    return list(job.actions.order_by("id").values_list("id", flat=True))


@pytest.fixture
def listings(world):
    return [ListingFactory(seller=world.seller_a) for _ in range(10)]


def test_audit_append_many_keeps_the_chain(world):
    with transaction.atomic():
        audit_append(actor=world.rev1, action="x.one", target=world.listings_a[0])
        assert audit_append_many(actor=None, entries=[("x.many", lst, {"i": i})
                                                      for i, lst in enumerate(world.listings_a)]) == 3
        audit_append(actor=world.rev1, action="x.after", target=world.listings_a[0])
    audit_chain_pending()  # what the after-commit run links (tests never commit)
    checked, broken = audit_chain_verify()
    assert broken is None and checked == AuditEntry.objects.count()
    assert list(AuditEntry.objects.filter(action="x.many").values_list("data__i", flat=True)) == [0, 1, 2]


def test_a_job_is_applied_chunk_by_chunk_with_progress(world, listings, django_capture_on_commit_callbacks):
    job = _job(listings)  # on_commit not executed: nothing queued yet
    ids = _ids(job)
    assert job.total == 10 and job.done == 0
    assert actions_apply_chunk(job_id=job.pk, first_id=ids[0], last_id=ids[3]) == 4
    job.refresh_from_db()
    assert (job.done, job.failed, job.status) == (4, 0, BulkJobStatus.RUNNING)
    assert Listing.objects.filter(status=ListingStatus.SUPPRESSED).count() == 4
    assert actions_apply_chunk(job_id=job.pk, first_id=ids[4], last_id=ids[9]) == 6
    job.refresh_from_db()
    assert (job.done, job.status) == (10, BulkJobStatus.FINISHED) and job.finished_at is not None


def test_a_chunk_changes_its_listings_with_one_update_statement(world, listings):
    job = _job(listings, chunk_size=10)
    ids = _ids(job)
    with CaptureQueriesContext(connection) as queries:
        # 8 of the 10 (the job is not finished by this chunk, so no 'finished' entry is appended)
        assert actions_apply_chunk(job_id=job.pk, first_id=ids[0], last_id=ids[7]) == 8
    listing_updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "listings_listing"')]
    assert len(listing_updates) == 1
    audit_inserts = [q["sql"] for q in queries  # COPY on PostgreSQL, a multi-row INSERT elsewhere
                     if q["sql"].startswith(('INSERT INTO "audit_auditentry"', 'COPY "audit_auditentry"'))]
    assert len(audit_inserts) == 1


def test_running_a_chunk_twice_changes_each_listing_once(world, listings):
    WebhookEndpointFactory(event_types=["listing.suppressed"])
    job = _job(listings)
    ids = _ids(job)
    assert actions_apply_chunk(job_id=job.pk, first_id=ids[0], last_id=ids[-1]) == 10
    assert actions_apply_chunk(job_id=job.pk, first_id=ids[0], last_id=ids[-1]) == 0
    (entry,) = AuditEntry.objects.filter(action="bulkjob.chunk_applied")  # the second run wrote none
    assert sorted((row[1], row[3]) for row in entry.data["applied"]) == sorted(
        (listing.pk, "suppressed") for listing in listings)  # each listing changed once
    assert WebhookEvent.objects.filter(type="listing.suppressed").count() == 10
    assert WebhookDelivery.objects.count() == 10
    assert set(EnforcementAction.objects.values_list("attempts", flat=True)) == {1}
    audit_chain_pending()  # what the after-commit run links (tests never commit)
    assert audit_chain_verify()[1] is None


def test_the_sweep_resumes_a_job_whose_messages_were_lost(world, listings, settings):
    settings.ENFORCEMENT_STALE_SECONDS = 0
    job = _job(listings)  # its chunk messages never ran (on_commit not executed)
    ids = _ids(job)
    actions_apply_chunk(job_id=job.pk, first_id=ids[0], last_id=ids[3])  # one chunk ran before the loss
    assert actions_requeue_stale() == 6  # eager: the chunks run now
    job.refresh_from_db()
    assert (job.done, job.status) == (10, BulkJobStatus.FINISHED)
    assert Listing.objects.filter(pk__in=[lst.pk for lst in listings], status=ListingStatus.SUPPRESSED).count() == 10


def test_a_restriction_over_another_changes_no_status_and_tells_nothing(world, listings,
                                                                       django_capture_on_commit_callbacks):
    # A suspension over a listing a takedown already removed: its restriction is recorded (it will
    # hold the listing if the takedown is reversed), the listing stays removed, no event is written.
    from ..conftest import claim_and_remove, file_report

    WebhookEndpointFactory(event_types=["listing.suppressed", "listing.removed"])
    report = file_report(reporter=world.alice, right=world.tm_a, listings=listings[:1])
    with django_capture_on_commit_callbacks(execute=True):
        claim_and_remove(case=report.cases.get(), reviewer=world.rev1)
    job = _job(listings[:2])
    ids = _ids(job)
    assert actions_apply_chunk(job_id=job.pk, first_id=ids[0], last_id=ids[1]) == 2
    listings[0].refresh_from_db()
    listings[1].refresh_from_db()
    assert (listings[0].status, listings[1].status) == (ListingStatus.REMOVED, ListingStatus.SUPPRESSED)
    assert sorted(listings[0].restrictions.filter(lifted_at=None).values_list("kind", flat=True)) == [
        "removed", "suppressed"]
    assert not WebhookEvent.objects.filter(action_id=ids[0]).exists()
    assert WebhookEvent.objects.get(action_id=ids[1]).type == "listing.suppressed"
    entry = AuditEntry.objects.get(action="bulkjob.chunk_applied")
    assert entry.data["applied"][0] == [ids[0], listings[0].pk, "removed", "removed", None]


def test_an_empty_job_is_finished_at_once(world):
    job = _job([])
    assert job.status == BulkJobStatus.FINISHED and job.total == 0


def test_a_job_queues_one_task_per_chunk(world, listings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _job(listings, chunk_size=4)
    enqueue = [c for c in callbacks if c is not _link_after_commit]  # the audit entries' link run aside
    assert len(enqueue) == 1
    from unittest import mock

    with mock.patch("actions.tasks.apply_action_chunk.delay") as delay:
        enqueue[0]()
    ids = list(EnforcementAction.objects.order_by("id").values_list("id", flat=True))
    assert [c.args[1:] for c in delay.call_args_list] == [(ids[0], ids[3]), (ids[4], ids[7]), (ids[8], ids[9])]


def test_a_bulk_event_carries_the_listing_and_the_suspension_reason(world, listings):
    from suspensions.models import Suspension

    suspension = SuspensionFactory(seller=world.seller_a, reason="Repeat infringer.")
    job = _job(listings[:2], suspension=suspension)
    Suspension.objects.filter(pk=suspension.pk).update(suspend_job=job)
    ids = _ids(job)
    actions_apply_chunk(job_id=job.pk, first_id=ids[0], last_id=ids[-1])
    event = WebhookEvent.objects.get(action_id=ids[0])
    assert event.type == "listing.suppressed" and event.payload["id"] == event.event_id
    assert event.payload["data"] == {
        "listing_external_id": listings[0].external_id, "seller_external_id": world.seller_a.external_id,
        "bulk_job_id": job.pk, "suspension_id": Suspension.objects.get().pk,
        "statement_of_reasons": "Repeat infringer.",
    }
    entry = AuditEntry.objects.get(action="bulkjob.chunk_applied")
    assert entry.data["applied"][0] == [ids[0], listings[0].pk, "active", "suppressed", event.event_id]


def test_a_chunk_records_its_takedowns_in_one_audit_entry(world, listings):
    # The chunk's takedowns commit together: one entry names each, with its listing's change and
    # its event (none where the listing's status did not change).
    job = _job(listings[:4], kind=ActionKind.REMOVE)
    ids = _ids(job)
    listings[1].status = ListingStatus.SUPPRESSED
    listings[1].save(update_fields=["status"])
    listings[2].status = ListingStatus.REMOVED  # already removed: applied, nothing to change
    listings[2].save(update_fields=["status"])
    assert actions_apply_chunk(job_id=job.pk, first_id=ids[0], last_id=ids[2]) == 3
    assert actions_apply_chunk(job_id=job.pk, first_id=ids[3], last_id=ids[3]) == 1
    first, second = AuditEntry.objects.filter(action="bulkjob.chunk_applied").order_by("id")
    events = dict(WebhookEvent.objects.values_list("action_id", "event_id"))
    assert (first.target_type, first.target_id, first.actor_repr) == ("enforcement.bulkjob", job.pk, "system")
    assert first.target_repr == f"Bulk job #{job.pk}: actions {ids[0]}-{ids[2]}"
    assert first.data == {"actions": [ids[0], ids[2]], "failed": [], "applied": [
        [ids[0], listings[0].pk, "active", "removed", events[ids[0]]],
        [ids[1], listings[1].pk, "suppressed", "removed", events[ids[1]]],
        [ids[2], listings[2].pk, "removed", "removed", None]]}  # no change: nothing told
    assert second.data["actions"] == [ids[3], ids[3]] and len(second.data["applied"]) == 1
    assert not AuditEntry.objects.filter(target_type="enforcement.enforcementaction").exists()
    audit_chain_pending()
    assert audit_chain_verify()[1] is None


def test_a_chunk_writes_the_same_event_as_a_single_takedown_would(world, django_capture_on_commit_callbacks):
    # A job's actions from decisions (a report decision job's) send the event a single takedown
    # sends: one payload, built in one place, and one event id rule.
    from actions.events import action_event_id as event_id_for
    from complaints.models import Decision

    from ..conftest import claim_and_remove, file_report

    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:2])
    first, second = report.cases.order_by("id")
    with django_capture_on_commit_callbacks(execute=True):  # its takedown is applied on commit
        claim_and_remove(case=first, reviewer=world.rev1)
    single = WebhookEvent.objects.get()
    decision = Decision.objects.get(case=first)
    with transaction.atomic():  # a second decision's takedown of the other listing, as a job's
        other = Decision.objects.create(case=second, outcome=decision.outcome, reason_code=decision.reason_code,
                                        statement="Second statement.", decided_by=world.rev1)
        job = bulk_job_create(kind=BulkJobKind.TAKEDOWNS, title="t", actions=[
            NewAction(listing_id=second.listing_id, kind=ActionKind.REMOVE, idempotency_key="t:second",
                      decision_id=other.pk, case_id=second.pk)])
    action = job.actions.get()
    actions_apply_chunk(job_id=job.pk, first_id=action.pk, last_id=action.pk)
    bulk = WebhookEvent.objects.get(action=action)
    assert bulk.event_id == event_id_for("t:second") and single.event_id == event_id_for(
        first.actions.get().idempotency_key)
    assert bulk.payload == {
        "id": bulk.event_id, "type": "listing.removed", "timestamp": bulk.payload["timestamp"],
        "data": {"listing_external_id": second.listing.external_id, "seller_external_id": world.seller_a.external_id,
                 "case_ref": second.reference, "decision_id": other.pk, "reason_code": decision.reason_code,
                 "statement_of_reasons": "Second statement."}}
    assert set(bulk.payload) == set(single.payload) and set(bulk.payload["data"]) == set(single.payload["data"])
    assert bulk.payload["timestamp"].endswith("Z")


def test_event_ids_differ_between_installations(settings):
    from actions import events as action_events

    ours = action_events.action_event_id("decision:1:remove:2")
    assert action_events.action_event_id("decision:1:remove:2") == ours  # stable within one installation
    settings.SECRET_KEY = "another installation's key"
    action_events._installation_key.cache_clear()
    try:
        theirs = action_events.action_event_id("decision:1:remove:2")
    finally:
        action_events._installation_key.cache_clear()
    assert ours != theirs and ours.startswith("evt_") and len(ours) == 36


def _decided_job(listings, *, applied: bool, tag: str, given: bool = False):
    """Four automated decisions on three listings (the first listing's twice: suppressed, then
    removed by another case), their actions in chunks of 2 as one job: created then applied in its
    transaction (bulk_job_create, bulk_job_apply_pending), or written applied at once
    (bulk_job_create_applied; `given`: with the listings as the caller read them). Returns the job
    and its actions' listings and keys, in order."""
    from actions.bulk import DecisionFacts, bulk_job_apply_pending, bulk_job_create_applied

    from ..factories import CaseFactory, DecisionFactory

    plan = [(listings[0], ActionKind.SUPPRESS), (listings[1], ActionKind.SUPPRESS), (listings[0], ActionKind.REMOVE),
            (listings[2], ActionKind.SUPPRESS)]
    decisions = [DecisionFactory(case=CaseFactory(listing=listing, state="actioned"), outcome=kind, automated=True,
                                 reason_code="tm_counterfeit", statement=f"Statement {i}.")
                 for i, (listing, kind) in enumerate(plan)]
    actions = [NewAction(listing_id=d.case.listing_id, kind=d.outcome, decision_id=d.pk, case_id=d.case_id,
                         idempotency_key=f"{tag}:{i}") for i, d in enumerate(decisions)]
    with transaction.atomic():
        if applied:
            read = {pk: (status, ext, seller_ext) for pk, status, ext, seller_ext in Listing.objects.filter(
                pk__in=[lst.pk for lst in listings]).values_list("id", "status", "external_id", "seller__external_id")}
            job = bulk_job_create_applied(kind=BulkJobKind.TAKEDOWNS, title="t", actions=actions, decisions={
                d.pk: DecisionFacts(d.case_id, d.reason_code, d.statement, d.automated) for d in decisions},
                listings=read if given else None)
        else:
            job = bulk_job_create(kind=BulkJobKind.TAKEDOWNS, title="t", actions=actions, queue_chunks=False)
            bulk_job_apply_pending(job_id=job.pk)
    return job, [lst.pk for lst, _ in plan], [a.idempotency_key for a in actions]


def _written(job, listing_ids, keys):
    """What a job wrote, its ids replaced by their place (action i, listing i, event of action i)."""
    from actions.events import action_event_id
    from actions.models import Restriction
    from transparency.models import StatementRecord

    actions = list(job.actions.order_by("id"))
    listing_ids = list(dict.fromkeys(listing_ids))
    place = {a.pk: f"action {i}" for i, a in enumerate(actions)}
    place.update({pk: f"listing {i}" for i, pk in enumerate(listing_ids)})
    place.update({action_event_id(key): f"event {i}" for i, key in enumerate(keys)})
    place.update({Listing.objects.get(pk=pk).external_id: f"listing {i}" for i, pk in enumerate(listing_ids)})
    place.update({f"C-{a.case_id}": f"case of action {i}" for i, a in enumerate(actions)})
    job.refresh_from_db()
    entries = []
    for e in AuditEntry.objects.filter(target_type="enforcement.bulkjob", target_id=job.pk).order_by("id"):
        data = dict(e.data)
        if "applied" in data:
            data["actions"] = [place[pk] for pk in data["actions"]]
            data["applied"] = [[place[a], place[lst], frm, to, place.get(event)] for a, lst, frm, to, event in
                               data["applied"]]
        entries.append((e.action, data))
    restrictions = Restriction.objects.filter(imposed_by__in=actions).order_by("id")
    return {
        "job": (job.status, job.total, job.done, job.failed, job.finished_at is not None),
        "actions": [(place[a.listing_id], a.kind, a.status, a.attempts, a.last_error, a.applied_at is not None,
                     a.last_attempt_at is not None) for a in actions],
        "listings": [Listing.objects.get(pk=pk).status for pk in listing_ids],
        "restrictions": [(place[r.imposed_by_id], place[r.listing_id], r.kind, r.source, r.lifted_at)
                         for r in restrictions],
        "events": [(place[e.action_id], e.type, {k: place.get(v, v) for k, v in e.payload["data"].items()
                                                 if k != "decision_id"})
                   for e in WebhookEvent.objects.filter(action__in=actions).order_by("id")],
        "deliveries": WebhookDelivery.objects.filter(event__action__in=actions).count(),
        "statement records": StatementRecord.objects.filter(restriction__in=restrictions).count(),
        "audit": entries,
    }


@pytest.mark.parametrize("given", [False, True], ids=["listings read", "listings given"])
def test_a_job_written_applied_writes_what_creating_then_applying_it_writes(world, settings, given):
    # An ingest batch's suppressions are written applied (bulk_job_create_applied): the same job,
    # actions, restrictions, statuses, events and audit entries as the pending path, chunk by chunk,
    # a later chunk seeing what an earlier one did to the same listing (read again, or as given
    # and changed by the earlier chunk).
    settings.ENFORCEMENT_CHUNK_SIZE = 2
    WebhookEndpointFactory(event_types=["listing.suppressed", "listing.removed"])
    pending = _written(*_decided_job([ListingFactory(seller=world.seller_a) for _ in range(3)], applied=False,
                                     tag="pending"))
    applied = _written(*_decided_job([ListingFactory(seller=world.seller_a) for _ in range(3)], applied=True,
                                     tag="applied", given=given))
    assert applied == pending
    assert pending["listings"] == [ListingStatus.REMOVED, ListingStatus.SUPPRESSED, ListingStatus.SUPPRESSED]
    assert [(a, t) for a, t, _ in pending["events"]] == [
        ("action 0", "listing.suppressed"), ("action 1", "listing.suppressed"), ("action 2", "listing.removed"),
        ("action 3", "listing.suppressed")]
    assert [action for action, _ in pending["audit"]] == [
        "bulkjob.created", "bulkjob.chunk_applied", "bulkjob.chunk_applied", "bulkjob.finished"]
    assert pending["audit"][2][1]["applied"] == [["action 2", "listing 0", "suppressed", "removed", "event 2"],
                                                 ["action 3", "listing 2", "active", "suppressed", "event 3"]]
