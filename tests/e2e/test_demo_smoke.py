"""The demo in a browser: after seed_demo, seller3 reads that its account is suspended, a reviewer
opens an automatic case the rule re-check found, and seller2's counter-notice brings the listing
back once `demo_clock --advance 11d` lets its deadline pass."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from complaints.models import Case, CaseSource
from counter_notices.models import CounterNotice, CounterNoticeStatus

from .test_full_flow import Sessions

pytestmark = pytest.mark.browser


def test_the_demo_shows_a_suspension_an_automatic_case_and_a_counter_notice_coming_due(browser, live_server,
                                                                                       settings, shot):
    call_command("seed_demo", stdout=io.StringIO())
    people = Sessions(browser, live_server.url)

    page = people.page("seller3")
    page.goto("/seller/")
    expect(page.get_by_test_id("health-label")).to_have_text("Suspended")
    expect(page.get_by_test_id("suspension")).to_contain_text("Quickship Deals is suspended")
    expect(page.get_by_test_id("listing-L-000343")).to_have_text("Suppressed")
    shot(page, "demo-1-suspended-seller")
    page.close()

    automatic = Case.objects.get(listing__external_id="L-000302", source=CaseSource.AUTOMATIC)
    page = people.page("reviewer1")
    page.goto(f"/review/cases/{automatic.pk}/")
    expect(page.get_by_test_id("detection")).to_contain_text("Automatic detection")
    expect(page.get_by_test_id("listing-restrictions")).to_contain_text("Suppressed by automatic detection")
    shot(page, "demo-2-automatic-case")
    page.close()

    notice = CounterNotice.objects.get(status=CounterNoticeStatus.WAITING)
    page = people.page("seller2")
    page.goto(f"/seller/notices/{notice.case_id}/")
    expect(page.get_by_test_id("counter-notice-status")).to_contain_text("Waiting for the rights holder")
    expect(page.get_by_test_id("listing-status")).to_have_text("Suppressed")
    settings.DEBUG = True  # demo_clock runs on the demo only
    call_command("demo_clock", "--advance", "11d", stdout=io.StringIO())
    page.reload()
    expect(page.get_by_test_id("counter-notice-status")).to_contain_text("Listing reinstated")
    expect(page.get_by_test_id("listing-status")).to_have_text("Active")
    shot(page, "demo-3-reinstated")
