"""The migration that builds restrictions from the history of applied actions: replaying what the
services did gives the restrictions the services wrote, and where an old lift had restored a listing
a takedown still hid, the listing's status stands and nothing is sent."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from actions.models import ActionKind, ActionStatus, EnforcementAction, Restriction
from listings.models import ListingStatus
from reporters.services import report_withdraw
from suspensions.services import suspension_approve, suspension_lift, suspension_propose
from webhooks.models import WebhookEvent

from ..conftest import claim_and_remove, file_report
from ..factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db(transaction=True)

FIELDS = ("listing_id", "kind", "source", "case_id", "decision_id", "suspension_id", "imposed_by_id",
          "lifted_by_id", "cleared_facts")


def _restrictions():
    return sorted(Restriction.objects.values_list(*FIELDS))


def _replay():
    """Go back before the migration, forget the restrictions and the actions' suspensions (as the
    tables were then), migrate."""
    executor = MigrationExecutor(connection)
    executor.migrate([("actions", "0002_restrictions")])
    # In SQL: the model's delete() would look for the rows of later apps that point at restrictions
    # (transparency's statement records), whose tables going back this far has dropped.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Restriction._meta.db_table}")
    EnforcementAction.objects.update(suspension=None)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _history(world, capture):
    WebhookEndpointFactory(event_types=["listing.removed", "listing.suppressed", "listing.reinstated",
                                        "listing.restored"])
    taken, withdrawn = world.listings_a[0], world.listings_a[1]
    report = file_report(reporter=world.alice, right=world.tm_a, listings=[taken])
    case = report.cases.get()
    with capture(execute=True):
        claim_and_remove(case=case, reviewer=world.rev1, code="tm_suppress_unclear")
    other = file_report(reporter=world.alice, right=world.tm_a, listings=[withdrawn])
    with capture(execute=True):
        claim_and_remove(case=other.cases.get(), reviewer=world.rev1)
    with capture(execute=True):
        report_withdraw(report=other, user=world.alice)
    proposal = suspension_propose(case=case, reviewer=world.rev2, reason="A counterfeit shop relisting under new ids.")
    with capture(execute=True):
        suspension = suspension_approve(suspension=proposal, senior=world.senior2, reason="Counterfeit shop.")
    with capture(execute=True):
        return taken, suspension_lift(suspension=suspension, senior=world.senior, reason="Served.")


def test_replaying_the_history_gives_the_restrictions_the_services_wrote(world, django_capture_on_commit_callbacks):
    _history(world, django_capture_on_commit_callbacks)
    written = _restrictions()
    assert any(r[7] is not None for r in written) and any(r[7] is None for r in written)  # lifted and standing
    events = WebhookEvent.objects.count()
    _replay()
    assert _restrictions() == written
    assert WebhookEvent.objects.count() == events


def test_a_listing_an_old_lift_restored_keeps_its_status_and_nothing_is_sent(world, django_capture_on_commit_callbacks):
    taken, suspension = _history(world, django_capture_on_commit_callbacks)
    # What the old lift did: it restored every listing its job had suppressed, the takedown's too.
    action = EnforcementAction.objects.create(
        listing=taken, kind=ActionKind.UNSUPPRESS, status=ActionStatus.APPLIED, bulk_job=suspension.lift_job,
        suspension=suspension, idempotency_key=f"old-lift:{taken.pk}")
    EnforcementAction.objects.filter(pk=action.pk).update(applied_at=action.created_at)
    type(taken).objects.filter(pk=taken.pk).update(status=ListingStatus.ACTIVE)
    events = WebhookEvent.objects.count()
    _replay()
    taken.refresh_from_db()
    assert taken.status == ListingStatus.ACTIVE
    assert not Restriction.objects.filter(listing=taken, lifted_at=None).exists()
    ip = Restriction.objects.get(listing=taken, source="decision")
    assert ip.lifted_by_id == action.pk
    assert WebhookEvent.objects.count() == events
