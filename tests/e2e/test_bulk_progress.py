"""A reviewer watches a bulk job's progress update in place (HTMX polling), then stop at Finished."""

import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from playwright.sync_api import expect

from actions.bulk import NewAction, actions_apply_chunk, bulk_job_create
from actions.models import ActionKind, BulkJobKind
from listings.models import Listing, ListingStatus
from tests.factories import SuspensionFactory

from .test_full_flow import Sessions

pytestmark = pytest.mark.browser


def test_a_bulk_job_page_updates_without_a_reload(browser, live_server, shot):
    call_command("seed_demo", stdout=io.StringIO())
    listings = list(Listing.objects.filter(status=ListingStatus.ACTIVE).order_by("id")[:6])
    suspension = SuspensionFactory(seller=listings[0].seller)
    with mock.patch("actions.tasks.apply_action_chunk.delay"), transaction.atomic():  # not run yet
        job = bulk_job_create(kind=BulkJobKind.SUSPEND, title="Suspend a demo seller", chunk_size=3, actions=[
            NewAction(listing_id=lst.pk, kind=ActionKind.SUPPRESS, idempotency_key=f"e2e:{lst.pk}",
                      suspension_id=suspension.pk)
            for lst in listings])
    ids = list(job.actions.order_by("id").values_list("id", flat=True))

    page = Sessions(browser, live_server.url).page("reviewer1")
    page.get_by_role("navigation").get_by_role("link", name="Enforcement").click()
    page.get_by_role("link", name=f"#{job.pk} Suspend a demo seller").click()
    progress = page.get_by_test_id("bulk-progress")
    expect(progress).to_contain_text("0 of 6 applied")
    actions_apply_chunk(job_id=job.pk, first_id=ids[0], last_id=ids[2])  # a worker does the first chunk
    expect(progress).to_contain_text("3 of 6 applied", timeout=8_000)  # polled in place, no reload
    shot(page, "bulk-1-half")
    actions_apply_chunk(job_id=job.pk, first_id=ids[3], last_id=ids[5])
    expect(progress).to_contain_text("6 of 6 applied", timeout=8_000)
    expect(progress).to_contain_text("Finished")
    expect(progress).not_to_have_attribute("hx-trigger", "every 2s")  # finished: polling stopped
    shot(page, "bulk-2-finished")
    page.reload()
    expect(page.get_by_test_id("bulk-progress")).to_contain_text("6 of 6 applied")
