"""A suspended seller's linked accounts reach a reviewer: the marketplace links two shops to a
seller about to be suspended; once a senior approves, reviewer1 finds both in "Linked accounts" on
a 390 px phone (no sideways scroll, no serious axe finding), is told which field is missing when
clearing without a reason, clears one and escalates the other to a suspension proposal, which the
seller's staff view then shows."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from imagery.services import seller_signals_set
from listings.models import Seller
from suspensions.models import LinkedAccountFlag, Suspension
from suspensions.services import suspension_approve

from .pages import axe_violations, overflow
from .test_full_flow import PASSWORD

pytestmark = pytest.mark.browser

ESCALATION = "Same warehouse address and the same knock-off photos as Bazaar Outlet."


def test_a_reviewer_clears_one_linked_account_and_escalates_the_other_on_a_phone(browser, live_server, shot):
    call_command("seed_demo", stdout=io.StringIO())
    bazaar = Seller.objects.get(name="Bazaar Outlet")
    twin = Seller.objects.create(external_id="S-2001", name="Bazaar Outlet Two", country="CN")
    cousin = Seller.objects.create(external_id="S-2002", name="Harbour Goods", country="CN")
    seller_signals_set(seller=bazaar, linked_ids=[twin.external_id], fingerprints=[])
    for seller in (bazaar, cousin):
        seller_signals_set(seller=seller, linked_ids=[], fingerprints=[{"kind": "address", "value": "addr:9a9a"}])
    proposal = Suspension.objects.create(seller=bazaar, proposed_by=User.objects.get(username="reviewer2"),
                                         proposal_reason="Relists the same knock-offs under new ids.")
    suspension_approve(suspension=proposal, senior=User.objects.get(username="senior1"),
                       reason="Knock-offs across many listings, again and again.")
    flag_twin, flag_cousin = (LinkedAccountFlag.objects.get(seller=twin), LinkedAccountFlag.objects.get(seller=cousin))

    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("reviewer1")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("navigation").get_by_role("link", name="Linked accounts").click()
    twin_box, cousin_box = page.get_by_test_id(f"flag-{flag_twin.pk}"), page.get_by_test_id(f"flag-{flag_cousin.pk}")
    expect(twin_box).to_contain_text("Linked to Bazaar Outlet")
    expect(twin_box.get_by_test_id("shared-signals")).to_have_text("Linked account (marketplace)")
    expect(cousin_box.get_by_test_id("shared-signals")).to_have_text("Address fingerprint")
    expect(twin_box.get_by_test_id("suspension-reason")).to_contain_text("Knock-offs across many listings")
    assert overflow(page) is None
    assert axe_violations(page) == []
    shot(page, "linked-flags-1-list-390")

    # Clearing without a reason: the field is named, the choice kept.
    twin_box.get_by_label("Clear: nothing to act on").check()
    twin_box.get_by_role("button", name="Record the decision").click()
    twin_box = page.get_by_test_id(f"flag-{flag_twin.pk}")
    expect(twin_box).to_contain_text("Give a reason: what you checked on this seller.")
    expect(twin_box.get_by_label("Clear: nothing to act on")).to_be_checked()
    assert overflow(page) is None
    twin_box.get_by_label("Reason").fill("Same owner, but sells only its own brand: nothing to act on.")
    twin_box.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status")).to_contain_text("Bazaar Outlet Two: flag cleared.")
    expect(page.get_by_test_id(f"flag-{flag_twin.pk}")).to_have_count(0)

    cousin_box = page.get_by_test_id(f"flag-{flag_cousin.pk}")
    cousin_box.get_by_label("Escalate: propose suspending this seller (a senior reviewer decides)").check()
    cousin_box.get_by_label("Reason").fill(ESCALATION)
    cousin_box.get_by_role("button", name="Record the decision").click()
    escalated = Suspension.objects.get(seller=cousin)
    expect(page.get_by_role("status")).to_contain_text(f"Harbour Goods: suspension #{escalated.pk} proposed")
    expect(page.get_by_test_id("no-flags")).to_be_visible()
    assert escalated.proposal_reason == ESCALATION and escalated.proposed_by.username == "reviewer1"

    page.goto(f"/review/sellers/{cousin.pk}/linked/")
    panel = page.get_by_test_id("linked-flags")
    expect(panel).to_contain_text("Escalated: suspension proposed")
    expect(panel.get_by_role("link", name=f"suspension #{escalated.pk}")).to_be_visible()
    assert overflow(page) is None
    shot(page, "linked-flags-2-seller-390")
    context.close()
