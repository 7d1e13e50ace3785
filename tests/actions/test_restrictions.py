"""Restrictions as rows, where features meet: a suspension lifted over an IP takedown, a rule
re-check after an appeal, a rule relaxed, a suspended seller's new listing, a withdrawal under a
suspension. Each listing's status is what its active restrictions say, and the marketplace hears
exactly the changes of status."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import Restriction, RestrictionSource
from appeals.services import appeal_decide, appeal_file
from audit.models import AuditEntry
from audit.selectors import audit_chain_verify
from audit.services import audit_chain_pending
from complaints.models import AUTO_RULE_NO_LONGER_MATCHES, Case, CaseSource, CaseState
from decisions.services import case_decide
from listings.ingest import ingest_batch
from listings.models import Listing, ListingStatus, status_for
from reporters.services import report_withdraw
from suspensions.services import suspension_approve, suspension_lift, suspension_propose
from webhooks.models import WebhookEvent

from ..conftest import claim, file_report
from ..factories import ListingFactory, WebhookEndpointFactory
from ..monitoring.helpers import set_rules, upsert

pytestmark = pytest.mark.django_db

ALL_EVENTS = ["listing.removed", "listing.suppressed", "listing.reinstated", "listing.restored",
              "seller.suspended", "seller.reinstated"]


@pytest.fixture
def endpoint(world):
    return WebhookEndpointFactory(event_types=ALL_EVENTS)


def told(listing) -> list[str]:
    """The events the marketplace was sent about one listing, in order."""
    return list(WebhookEvent.objects.filter(payload__data__listing_external_id=listing.external_id)
                .order_by("id").values_list("type", flat=True))


def decide(case, reviewer, code, capture):
    claim(case, reviewer)
    with capture(execute=True):
        return case_decide(case=case, reviewer=reviewer, reason_code=code, facts="Replica sold at 9.99.")


def suspend(world, case, capture):
    proposal = suspension_propose(case=case, reviewer=world.rev2, reason="A counterfeit shop relisting under new ids.")
    with capture(execute=True):
        return suspension_approve(suspension=proposal, senior=world.senior2, reason="Counterfeit shop.")


@pytest.mark.parametrize(("kinds", "status"), [
    ([], "active"), (["suppressed"], "suppressed"), (["removed"], "removed"),
    (["suppressed", "removed"], "removed"), (["removed", "suppressed", "suppressed"], "removed"),
    (["suppressed", "suppressed"], "suppressed"),
])
def test_a_listing_is_removed_while_any_removal_stands_suppressed_while_any_suppression_does(kinds, status):
    assert status_for(kinds) == status


def test_lifting_a_suspension_over_an_ip_takedown_leaves_the_takedown_standing(
        world, endpoint, django_capture_on_commit_callbacks):
    infringing, clean = world.listings_a[0], world.listings_a[1]
    report = file_report(reporter=world.alice, right=world.tm_a, listings=[infringing])
    case = report.cases.get()
    decide(case, world.rev1, "tm_suppress_unclear", django_capture_on_commit_callbacks)
    suspension = suspend(world, case, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        suspension_lift(suspension=suspension, senior=world.senior, reason="The seller showed invoices.")
    infringing.refresh_from_db()
    clean.refresh_from_db()
    assert (infringing.status, clean.status) == (ListingStatus.SUPPRESSED, ListingStatus.ACTIVE)
    # Told once each time the status really changed: never restored, the takedown still hides it.
    assert told(infringing) == ["listing.suppressed"]
    assert told(clean) == ["listing.suppressed", "listing.restored"]
    (standing,) = Restriction.objects.filter(listing=infringing, lifted_at=None)
    assert (standing.source, standing.case_id) == (RestrictionSource.DECISION, case.pk)
    # The reviewer sees what hides the listing now on the case page.
    client = Client()
    client.force_login(world.rev1)
    page = client.get(reverse("review:case_detail", args=[case.pk])).content.decode()
    assert "What hides it now:" in page and "by a reviewer&#x27;s decision on this case" in page
    assert "seller suspension" not in page.split("What hides it now:")[1].split("</p>")[0]
    seller_events = WebhookEvent.objects.filter(type__startswith="seller.").order_by("id")
    assert [(e.type, e.payload["data"]["seller_external_id"]) for e in seller_events] == [
        ("seller.suspended", world.seller_a.external_id), ("seller.reinstated", world.seller_a.external_id)]
    assert seller_events[1].payload["data"]["statement_of_reasons"] == "The seller showed invoices."
    audit_chain_pending()
    assert audit_chain_verify()[1] is None


def test_a_suspended_sellers_new_listing_is_restricted_at_ingest_and_released_with_the_suspension(
        world, endpoint, django_capture_on_commit_callbacks):
    report = file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_a[0]])
    suspension = suspend(world, report.cases.get(), django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(world.rev1)
    page = client.get(reverse("review:case_detail", args=[report.cases.get().pk])).content.decode()
    assert f"Suppressed</span> by <a href=\"/review/suspensions/{suspension.pk}/\">seller suspension" in page
    new = upsert(django_capture_on_commit_callbacks, world.seller_a, "NEW-1", title="Desk lamp", ships_from="DE")
    assert new.status == ListingStatus.SUPPRESSED
    assert Restriction.objects.get(listing=new).suspension == suspension
    other = upsert(django_capture_on_commit_callbacks, world.seller_b, "NEW-2", title="Desk lamp", ships_from="DE")
    assert other.status == ListingStatus.ACTIVE  # another seller's: untouched
    # Sent again unchanged: nothing more is added.
    upsert(django_capture_on_commit_callbacks, world.seller_a, "NEW-1", title="Desk lamp", ships_from="DE")
    assert Restriction.objects.filter(listing=new).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        suspension_lift(suspension=suspension, senior=world.senior, reason="Suspension served.")
    new.refresh_from_db()
    assert new.status == ListingStatus.ACTIVE and told(new) == ["listing.suppressed", "listing.restored"]


def test_a_batch_under_a_suspension_restricts_the_suspended_sellers_listings_naming_the_batch_in_one_array(
        world, endpoint, django_capture_on_commit_callbacks):
    """A marketplace always has someone suspended: a bulk ingest batch then restricts that seller's
    new listings, leaves the rest, and its statements carry the batch's ids as one array, not a
    placeholder each (92-96 ms a 10,000-listing batch, measured, against 19 ms)."""
    report = file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_a[0]])
    suspension = suspend(world, report.cases.get(), django_capture_on_commit_callbacks)
    items = [{"external_id": f"SB-{i}", "seller_external_id": world.seller_b.external_id, "title": f"Desk lamp {i}",
              "ships_from": "DE", "price": "9.90"} for i in range(300)]
    items += [{"external_id": f"SA-{i}", "seller_external_id": world.seller_a.external_id, "title": f"Desk lamp {i}",
               "ships_from": "DE", "price": "9.90"} for i in range(2)]
    with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as queries:
        result = ingest_batch(listings=items)
    assert not result.errors and len(result.listings.created) == 302
    theirs = Listing.objects.filter(external_id__startswith="SA-")
    assert {li.status for li in theirs} == {ListingStatus.SUPPRESSED}
    assert set(Restriction.objects.filter(listing__in=theirs).values_list("suspension", flat=True)) == {suspension.pk}
    assert set(Listing.objects.filter(external_id__startswith="SB-").values_list("status", flat=True)) == {
        ListingStatus.ACTIVE}
    assert not Restriction.objects.filter(listing__external_id__startswith="SB-").exists()
    # Lists of ids (SQLite's ingest, by the ORM, names external ids in its own lists).
    ids = [m for q in queries.captured_queries for m in re.findall(r"IN \(([\d, ]+)\)", q["sql"])]
    assert ids and max(m.count(",") + 1 for m in ids) < 50, max(ids, key=len)[:200]


def test_withdrawing_a_report_under_a_suspension_keeps_the_listing_hidden_by_the_suspension(
        world, endpoint, django_capture_on_commit_callbacks):
    listing = world.listings_a[0]
    report = file_report(reporter=world.alice, right=world.tm_a, listings=[listing])
    case = report.cases.get()
    decide(case, world.rev1, "tm_counterfeit", django_capture_on_commit_callbacks)
    suspend(world, case, django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(world.sam)
    page = client.get(reverse("sellers:notice_detail", args=[case.pk])).content.decode()
    assert "Removed by this notice; Suppressed by the suspension of your account" in page
    with django_capture_on_commit_callbacks(execute=True):
        report_withdraw(report=report, user=world.alice)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.SUPPRESSED
    assert told(listing) == ["listing.removed", "listing.suppressed"]
    # The seller sees why the listing is still hidden after the report was withdrawn.
    page = client.get(reverse("sellers:notice_detail", args=[case.pk])).content.decode()
    assert 'data-testid="hidden-by">Suppressed by the suspension of your account</dd>' in page


@pytest.fixture
def automatic(world, endpoint, django_capture_on_commit_callbacks):
    """Acme's rule (ships from DE or US only, suppress) hides seller B's ACME listing from CN."""
    set_rules(world, django_capture_on_commit_callbacks)
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, "AUTO-1", title="ACME headphones")
    case = Case.objects.get(listing=listing, source=CaseSource.AUTOMATIC)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.SUPPRESSED
    return listing, case


def test_a_listing_reinstated_on_appeal_is_not_restricted_again_by_the_same_rule_until_it_changes(
        world, automatic, django_capture_on_commit_callbacks):
    listing, case = automatic
    decide(case, world.rev1, "tm_misuse", django_capture_on_commit_callbacks)
    appeal = appeal_file(case=case, user=world.sue, statement="These are genuine goods bought from Acme's distributor.")
    with django_capture_on_commit_callbacks(execute=True):
        appeal_decide(appeal=appeal, senior=world.senior, reason_code="appeal_genuine_goods",
                      facts="Invoices from Acme's distributor.")
    listing.refresh_from_db()
    assert listing.status == ListingStatus.ACTIVE
    # The brand saves its rules a minute later: the re-check leaves the listing alone and says why.
    set_rules(world, django_capture_on_commit_callbacks)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.ACTIVE
    assert Case.objects.filter(listing=listing).count() == 1
    held = AuditEntry.objects.get(action="case.automation_held", target_id=case.pk)
    assert held.data["held_by_decision"] == case.decisions.order_by("id").last().pk
    assert "Reinstated by a person's decision" in held.data["why"]
    # The reviewer sees why on the case's timeline.
    client = Client()
    client.force_login(world.rev1)
    page = client.get(reverse("review:case_detail", args=[case.pk])).content.decode()
    assert "The protection rule matched again and did not act: a person reinstated the listing" in page
    # Saved again: recorded once, not on every re-check.
    set_rules(world, django_capture_on_commit_callbacks)
    assert AuditEntry.objects.filter(action="case.automation_held").count() == 1
    assert told(listing) == ["listing.suppressed", "listing.removed", "listing.reinstated"]
    # The listing changes what the rule reads: the rule acts again.
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, "AUTO-1", title="ACME headphones MAX")
    assert listing.status == ListingStatus.SUPPRESSED
    assert Case.objects.filter(listing=listing, source=CaseSource.AUTOMATIC).count() == 2


def test_a_price_change_alone_does_not_undo_a_reinstatement_after_a_counter_notice_like_decision(
        world, automatic, django_capture_on_commit_callbacks):
    # Rejected by a reviewer (the suppression reversed): a later update that changes only the price
    # does not bring the rule back.
    listing, case = automatic
    decide(case, world.rev1, "no_infringement", django_capture_on_commit_callbacks)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.ACTIVE
    from decimal import Decimal

    from listings.services import listing_upsert

    with django_capture_on_commit_callbacks(execute=True):
        listing_upsert(seller=world.seller_b, external_id="AUTO-1", title="ACME headphones", description="",
                       brand_name="", ships_from="CN", price=Decimal("19.99"))
    listing.refresh_from_db()
    assert listing.status == ListingStatus.ACTIVE


def test_relaxing_a_rule_releases_its_automatic_restriction_and_closes_the_case_with_a_statement(
        world, automatic, django_capture_on_commit_callbacks):
    listing, case = automatic
    set_rules(world, django_capture_on_commit_callbacks, countries=("DE", "US", "CN"))
    listing.refresh_from_db()
    case.refresh_from_db()
    assert listing.status == ListingStatus.ACTIVE and case.state == CaseState.REJECTED
    closing = case.decisions.order_by("id").last()
    assert closing.reason_code == AUTO_RULE_NO_LONGER_MATCHES and closing.automated
    assert "no longer matched" in closing.statement and "no longer applies" in closing.statement
    assert told(listing) == ["listing.suppressed", "listing.reinstated"]
    assert not Restriction.objects.filter(listing=listing, lifted_at=None).exists()
    # The rule tightened again: the listing is caught again (the rule closed the case, not a person).
    set_rules(world, django_capture_on_commit_callbacks)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.SUPPRESSED


def test_a_listing_changed_out_of_a_rules_reach_is_released_too(world, automatic, django_capture_on_commit_callbacks):
    listing, case = automatic
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, "AUTO-1", title="ACME headphones",
                     ships_from="DE")
    case.refresh_from_db()
    assert listing.status == ListingStatus.ACTIVE and case.state == CaseState.REJECTED


def test_an_automatic_restriction_under_a_suspension_keeps_the_listing_hidden_after_the_lift(
        world, automatic, django_capture_on_commit_callbacks):
    listing, case = automatic
    suspension = suspend(world, case, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        suspension_lift(suspension=suspension, senior=world.senior, reason="Served.")
    listing.refresh_from_db()
    assert listing.status == ListingStatus.SUPPRESSED
    assert told(listing) == ["listing.suppressed"]  # suspended and lifted: no visible change
    assert Restriction.objects.get(listing=listing, lifted_at=None).source == RestrictionSource.AUTOMATIC


def test_a_rejection_comes_after_the_suppression_it_reverses_even_if_that_is_still_queued(
        world, endpoint, django_capture_on_commit_callbacks):
    from actions.models import ActionKind, EnforcementAction
    from actions.services import action_apply
    from monitoring.services import listings_check

    set_rules(world, django_capture_on_commit_callbacks)
    listing = ListingFactory(seller=world.seller_b, title="ACME lamp", ships_from="CN")
    with django_capture_on_commit_callbacks(execute=False):
        listings_check(listing_ids=[listing.pk])  # the case opens; its suppression waits in the queue
    suppression = EnforcementAction.objects.get(listing=listing, kind=ActionKind.SUPPRESS)
    assert suppression.status == "pending"
    case = Case.objects.get(listing=listing)
    decide(case, world.rev1, "no_infringement", django_capture_on_commit_callbacks)
    assert action_apply(action_id=suppression.pk) is False  # its late message finds it applied
    listing.refresh_from_db()
    assert listing.status == ListingStatus.ACTIVE
    assert told(listing) == ["listing.suppressed", "listing.reinstated"]


def test_lifting_in_a_chunk_writes_each_restrictions_lift_its_action_and_cleared_facts(world):
    """restrictions_apply's lift (one UPDATE from arrays on PostgreSQL, bulk_update elsewhere): each
    lifted row gets the chunk's moment, its own lifting action and, only where the reinstatement
    outranks automation, the listing's facts; SQL NULL otherwise; a restriction not reversed stays."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from actions.models import ActionKind
    from actions.restrictions import ActionRow, restrictions_apply

    from ..factories import EnforcementActionFactory

    imposing = [EnforcementActionFactory(kind=ActionKind.SUPPRESS) for _ in range(3)]
    started = timezone.now() - timedelta(hours=1)
    with transaction.atomic():
        restrictions_apply(actions=[ActionRow(a.pk, a.kind, a.listing_id, a.case_id, a.decision_id, None, False)
                                    for a in imposing],
                           statuses={a.listing_id: "active" for a in imposing}, now=started)
    lifting = [EnforcementActionFactory(kind=ActionKind.REINSTATE, decision__case=a.case, case=a.case,
                                        listing=a.listing) for a in imposing[:2]]
    now = timezone.now()
    with transaction.atomic():
        changes = restrictions_apply(actions=[
            ActionRow(a.pk, a.kind, a.listing_id, a.case_id, a.decision_id, None, False, clears=i == 0)
            for i, a in enumerate(lifting)], statuses={a.listing_id: "suppressed" for a in lifting}, now=now)
    assert changes == [("suppressed", "active"), ("suppressed", "active")]
    rows = {r.imposed_by_id: r for r in Restriction.objects.all()}
    cleared, plain, standing = (rows[a.pk] for a in imposing)
    listing = imposing[0].listing
    assert (cleared.lifted_at, cleared.lifted_by_id) == (now, lifting[0].pk)
    assert cleared.cleared_facts == {"title": listing.title, "description": listing.description,
                                     "brand_name": listing.brand_name, "ships_from": listing.ships_from,
                                     "seller_id": listing.seller_id}
    assert (plain.lifted_at, plain.lifted_by_id, plain.cleared_facts) == (now, lifting[1].pk, None)
    assert Restriction.objects.filter(pk=plain.pk, cleared_facts__isnull=True).exists()  # SQL NULL, not JSON null
    assert (standing.lifted_at, standing.lifted_by_id, standing.cleared_facts) == (None, None, None)
    assert all(r.started_at == started for r in rows.values())
