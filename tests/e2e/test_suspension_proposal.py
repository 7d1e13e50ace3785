"""Suspending a seller takes two people: reviewer1 proposes it from a case page, with a reason;
senior1 reads who proposed and why and approves it; every listing of the seller is restricted
(the bulk job runs eagerly in tests) and the seller sees it in Seller Center. Lifted later, the
suspension gives back only what it alone hid: a listing an IP takedown removed stays removed."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from complaints.models import Case, CaseState
from listings.models import Listing, ListingStatus, Seller
from suspensions.models import Suspension, SuspensionStatus

from ..conftest import claim_and_remove
from .test_full_flow import Sessions

pytestmark = pytest.mark.browser

REASON = "Relists the same Borealis knock-offs under new ids as soon as one is taken down."
APPROVAL = "Repeated knock-offs across many listings; suspended until the seller shows supply invoices."


def test_a_senior_approves_a_suspension_proposed_by_a_reviewer(browser, live_server, shot):
    call_command("seed_demo", stdout=io.StringIO())
    seller = Seller.objects.get(name="Bazaar Outlet")
    active = Listing.objects.filter(seller=seller, status=ListingStatus.ACTIVE).count()
    assert active > 100
    case = Case.objects.filter(state=CaseState.OPEN, listing__seller=seller).order_by("id").first()
    # Another of the seller's listings is taken down for an IP infringement before the suspension.
    taken = (Case.objects.filter(state=CaseState.OPEN, listing__seller=seller, listing__status=ListingStatus.ACTIVE)
             .exclude(pk=case.pk).order_by("id").first())
    claim_and_remove(case=taken, reviewer=User.objects.get(username="reviewer2"))
    assert Listing.objects.get(pk=taken.listing_id).status == ListingStatus.REMOVED
    active -= 1
    # The demo already hides some of its listings (automatic suppressions, a counter-noticed one).
    suppressed_before = Listing.objects.filter(seller=seller, status=ListingStatus.SUPPRESSED).count()
    every = Listing.objects.filter(seller=seller).count()
    people = Sessions(browser, live_server.url)

    # 1. reviewer1 proposes from the case page; a too-short reason is refused and kept.
    page = people.page("reviewer1")
    page.goto(f"/review/cases/{case.pk}/")
    panel = page.get_by_test_id("suspension-panel")
    panel.get_by_text("Suspend the seller").click()
    reason = panel.get_by_label("Why suspend this seller")
    reason.fill("Relists a lot.")
    panel.get_by_role("button", name="Propose suspension").click()
    panel = page.get_by_test_id("suspension-panel")
    expect(panel).to_contain_text("Say why in at least 20 characters (you wrote 14)")
    expect(panel.get_by_label("Why suspend this seller")).to_have_value("Relists a lot.")
    panel.get_by_label("Why suspend this seller").fill(REASON)
    panel.get_by_role("button", name="Propose suspension").click()
    proposal = Suspension.objects.get(seller=seller)
    expect(page.get_by_role("status")).to_contain_text(f"Suspension #{proposal.pk} of Bazaar Outlet proposed.")
    open_one = page.get_by_test_id("open-suspension")
    expect(open_one).to_contain_text("Bazaar Outlet, proposed by reviewer1, waits for a senior reviewer.")
    shot(page, "suspension-1-proposed")
    open_one.get_by_role("link", name=f"Suspension #{proposal.pk}").click()
    expect(page.get_by_test_id("proposer")).to_contain_text(f"reviewer1: {REASON}")
    expect(page.get_by_text("A senior reviewer other than the proposer decides this proposal.")).to_be_visible()
    expect(page.get_by_role("button", name="Record decision")).to_have_count(0)
    page.close()

    # 2. senior1 finds it on the suspensions page, sees who proposed it and why, and approves.
    page = people.page("senior1")
    page.get_by_role("navigation").get_by_role("link", name="Suspensions").click()
    row = page.locator(f'tr[data-proposal="{proposal.pk}"]')
    expect(row.get_by_test_id("proposer")).to_have_text(f"reviewer1: {REASON}")
    row.get_by_role("link", name=f"#{proposal.pk}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Suspension #{proposal.pk} of Bazaar Outlet")
    expect(page.get_by_test_id("proposer")).to_contain_text(f"reviewer1: {REASON}")
    expect(page.get_by_test_id("proposer").get_by_role("link", name=case.reference)).to_be_visible()
    page.get_by_label("Approve: suspend the seller").check()
    page.get_by_label("Reason").fill(APPROVAL)
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("status")).to_contain_text(f"Suspension #{proposal.pk} of Bazaar Outlet")
    progress = page.get_by_test_id("bulk-progress")
    expect(progress).to_contain_text(f"{every} of {every} applied")  # every listing, the removed ones too
    expect(progress).to_contain_text("Finished")
    shot(page, "suspension-2-approved")
    page.close()

    proposal.refresh_from_db()
    assert proposal.status == SuspensionStatus.APPROVED
    assert (proposal.proposed_by.username, proposal.decided_by.username) == ("reviewer1", "senior1")
    assert not Listing.objects.filter(seller=seller, status=ListingStatus.ACTIVE).exists()

    # 3. The seller sees every listing suppressed; the case page shows it too.
    page = people.page("seller2")
    page.goto("/seller/?status=active")
    expect(page.get_by_test_id("listings")).to_contain_text("No listings match.")
    page.goto("/seller/?status=suppressed")
    expect(page.get_by_role("heading", name=re.compile(r"Your listings"))).to_contain_text(
        f"({active + suppressed_before})")
    expect(page.get_by_test_id(f"listing-{case.listing.external_id}")).to_have_text("Suppressed")
    page.close()
    page = people.page("reviewer1")
    page.goto(f"/review/cases/{case.pk}/")
    expect(page.get_by_test_id("listing-status")).to_have_text("Suppressed")
    expect(page.get_by_test_id("open-suspension")).to_contain_text(
        f"Bazaar Outlet is suspended: suspension #{proposal.pk}")
    page.close()

    # 4. senior1 lifts it: the suspended listings come back, the takedown stays.
    page = people.page("senior1")
    page.goto(f"/review/suspensions/{proposal.pk}/")
    page.get_by_label("Reason").fill("The seller showed supply invoices for the rest of the range.")
    page.get_by_role("button", name="Lift suspension").click()
    expect(page.get_by_role("status")).to_contain_text(f"Suspension #{proposal.pk}")
    expect(page.get_by_test_id("bulk-progress").last).to_contain_text("Finished")
    page.close()
    page = people.page("seller2")
    page.goto("/seller/?status=removed")
    expect(page.get_by_test_id(f"listing-{taken.listing.external_id}")).to_have_text("Removed")
    page.goto("/seller/?status=active")
    expect(page.get_by_role("heading", name=re.compile(r"Your listings"))).to_contain_text(f"({active})")
    shot(page, "suspension-3-lifted")
    page.close()
    assert Listing.objects.get(pk=taken.listing_id).status == ListingStatus.REMOVED
    assert Listing.objects.filter(seller=seller, status=ListingStatus.ACTIVE).count() == active
