"""A reviewer applies one decision to every case of a report: their own case is decided at once,
they land on the job's page and watch the other cases being decided and enforced, chunk by
chunk, without a reload (HTMX polling), until Finished."""

import io
import re
from unittest import mock

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from actions.models import BulkJob
from complaints.models import CaseState
from decisions import report_jobs as bulk_decide
from decisions.report_jobs import report_job_walk
from listings.models import Seller
from registry.models import IPRight

from ..conftest import file_report
from ..factories import ListingFactory
from .test_full_flow import Sessions

pytestmark = pytest.mark.browser


def test_a_decision_applied_to_a_whole_report_shows_its_progress(browser, live_server, shot, monkeypatch):
    call_command("seed_demo", stdout=io.StringIO())
    monkeypatch.setattr(bulk_decide, "CASES_PER_CHUNK", 2)
    right = IPRight.objects.get(name="ACME", registration_number="5123456")
    seller = Seller.objects.order_by("id").first()
    listings = [ListingFactory(seller=seller, title=f"ACME headphones replica {i}") for i in range(5)]
    report = file_report(reporter=User.objects.get(username="rights1"), right=right, listings=listings)
    first = report.cases.order_by("id").first()

    page = Sessions(browser, live_server.url).page("reviewer1")
    page.goto(f"/review/cases/{first.pk}/")
    page.get_by_role("button", name="Claim this case").click()
    expect(page.get_by_test_id("case-state")).to_have_text("In review")
    page.get_by_label("Reason").select_option(label="Counterfeit goods bearing the registered mark")
    page.get_by_label("Facts").fill("The same replica headphones in each listing.")
    expect(page.get_by_test_id("apply-all-count")).to_have_text("4 more listings")
    page.get_by_label("Apply to all identical cases of this report").check()
    page.get_by_label("I confirm: 4 more listings").check()
    # The statement follows the facts (HTMX) before it is recorded: one composed before them is refused.
    expect(page.get_by_label("Statement the seller reads")).to_have_value(
        re.compile(re.escape("Facts: The same replica headphones in each listing.")))
    with mock.patch("decisions.tasks.decide_report_cases.delay"):  # the worker takes it: run by hand below
        page.get_by_role("button", name="Record decision").click()
        job = BulkJob.objects.get(report=report)
        expect(page).to_have_url(re.compile(rf"/review/enforcement/jobs/{job.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text(
        f"Decision on {first.reference} recorded: Remove listing. The seller and the reporter are notified. "
        f"The same decision is being applied to the other 4 undecided cases of report {report.reference}")
    cases = page.get_by_test_id("bulk-cases")
    expect(cases).to_contain_text("Cases: 0 of 4 decided")
    report_job_walk(job_id=job.pk, budget_seconds=0)  # a worker decides the first chunk (its takedowns eager)
    expect(cases).to_contain_text("Cases: 2 of 4 decided", timeout=8_000)  # polled in place
    expect(page.get_by_test_id("bulk-progress")).to_contain_text("2 of 2 so far applied")
    shot(page, "report-decision-1-half")
    assert report_job_walk(job_id=job.pk) is False  # the rest, and the walk ends
    progress = page.get_by_test_id("bulk-progress")
    expect(progress).to_contain_text("Cases: 4 of 4 decided", timeout=8_000)
    expect(progress).to_contain_text("4 of 4 applied")
    expect(progress).to_contain_text("Finished")
    expect(progress).not_to_have_attribute("hx-trigger", "every 2s")  # finished: polling stopped
    shot(page, "report-decision-2-finished")
    assert report.cases.filter(state=CaseState.ACTIONED).count() == 5
