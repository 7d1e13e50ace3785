"""The reviewers' enforcement page (failed and stuck actions, Retry) and the bulk job progress page."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from actions.bulk import NewAction, actions_apply_chunk, bulk_job_create
from actions.models import ActionKind, ActionStatus, BulkJobKind
from actions.services import action_fail
from listings.models import ListingStatus

from ..conftest import claim_and_remove
from ..factories import ListingFactory, SuspensionFactory
from ..views import assert_login_redirect, open_case


@pytest.fixture
def failed(world, django_capture_on_commit_callbacks):
    """A takedown whose task gave up (its message ran nowhere: on-commit callbacks dropped)."""
    case = open_case(world)
    claim_and_remove(case=case, reviewer=world.rev1)
    action = case.actions.get()
    action_fail(action_id=action.pk, error="OperationalError: could not connect to server")
    action.refresh_from_db()
    return action


@pytest.fixture
def job(world):
    listings = [ListingFactory(seller=world.seller_a) for _ in range(4)]
    suspension = SuspensionFactory(seller=world.seller_a)
    with transaction.atomic():
        job = bulk_job_create(kind=BulkJobKind.SUSPEND, title="Suspend seller A", chunk_size=2, actions=[
            NewAction(listing_id=lst.pk, kind=ActionKind.SUPPRESS, idempotency_key=f"v:{lst.pk}",
                      suspension_id=suspension.pk)
            for lst in listings])
    return job


@pytest.mark.parametrize("name,kwargs,method", [
    ("actions:ops", {}, "get"), ("actions:bulk_job", {"pk": 1}, "get"),
    ("actions:action_retry", {"pk": 1}, "post"),
])
def test_it_sends_an_anonymous_visitor_to_log_in(client, db, name, kwargs, method):
    url = reverse(name, kwargs=kwargs)
    assert_login_redirect(getattr(client, method)(url), url)


@pytest.mark.parametrize("persona", ["sam", "alice", "outsider"])
def test_enforcement_pages_are_for_reviewers_only(world, client, failed, job, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("actions:ops")).status_code == 403
    assert client.get(reverse("actions:bulk_job", args=[job.pk])).status_code == 403
    assert client.post(reverse("actions:action_retry", args=[failed.pk])).status_code == 403
    failed.refresh_from_db()
    assert failed.status == ActionStatus.FAILED


def test_a_reviewer_sees_the_final_failure_and_retries_it(world, client, failed, django_capture_on_commit_callbacks):
    client.force_login(world.rev2)
    page = client.get(reverse("actions:ops")).content.decode()
    assert f"#{failed.pk} Remove listing" in page and "could not connect to server" in page
    assert reverse("actions:action_retry", args=[failed.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("actions:action_retry", args=[failed.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("actions:ops")
    failed.refresh_from_db()
    failed.listing.refresh_from_db()
    assert failed.status == ActionStatus.APPLIED and failed.listing.status == ListingStatus.REMOVED
    assert "Nothing failed or stuck." in client.get(reverse("actions:ops")).content.decode()


def test_retrying_an_action_that_is_not_failed_says_so(world, client, failed, django_capture_on_commit_callbacks):
    client.force_login(world.rev1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("actions:action_retry", args=[failed.pk]))
    response = client.post(reverse("actions:action_retry", args=[failed.pk]), follow=True)
    assert "only a failed action can be retried" in response.content.decode()


def test_retry_takes_only_post(world, client, failed):
    client.force_login(world.rev1)
    assert client.get(reverse("actions:action_retry", args=[failed.pk])).status_code == 405
    assert client.post(reverse("actions:action_retry", args=[99999])).status_code == 404


def test_long_pending_actions_are_listed_without_a_retry_button(world, client, time_machine):
    case = open_case(world)
    claim_and_remove(case=case, reviewer=world.rev1)  # pending: its message never ran
    action = case.actions.get()
    client.force_login(world.rev1)
    assert f"#{action.pk} " not in client.get(reverse("actions:ops")).content.decode()  # fresh
    time_machine.move_to(timezone.now() + timedelta(minutes=10))
    page = client.get(reverse("actions:ops")).content.decode()
    assert f"#{action.pk} Remove listing" in page and "queued again by the sweep" in page
    assert reverse("actions:action_retry", args=[action.pk]) not in page


def test_the_bulk_job_page_shows_progress_and_polls_until_finished(world, client, job):
    client.force_login(world.rev1)
    url = reverse("actions:bulk_job", args=[job.pk])
    page = client.get(url).content.decode()
    assert "<b>0</b> of 4 applied" in page and f'hx-get="{url}"' in page and "Suspend seller A" in page
    first, *_, last = job.actions.order_by("id").values_list("id", flat=True)
    actions_apply_chunk(job_id=job.pk, first_id=first, last_id=first + 1)
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<b>2</b> of 4 applied" in partial and "<html" not in partial and "hx-trigger" in partial
    actions_apply_chunk(job_id=job.pk, first_id=first, last_id=last)
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<b>4</b> of 4 applied" in partial and "Finished" in partial
    assert "hx-trigger" not in partial  # finished: polling stops
    assert "<b>4</b> of 4 applied" in client.get(url).content.decode()  # and a reload shows the same
    assert "Suspend seller A" in client.get(reverse("actions:ops")).content.decode()


def test_an_unknown_bulk_job_is_404(world, client):
    client.force_login(world.rev1)
    assert client.get(reverse("actions:bulk_job", args=[12345])).status_code == 404


def test_the_page_says_when_audit_entries_wait_too_long_to_be_linked(world, client, time_machine):
    from audit.services import AuditTarget, audit_append, audit_chain_pending

    client.force_login(world.rev1)
    audit_chain_pending()
    assert "Every entry is linked" in client.get(reverse("actions:ops")).content.decode()
    with transaction.atomic():
        audit_append(actor=None, action="brand.updated", target=AuditTarget("registry.brand", 1, "Brand 1"))
    page = client.get(reverse("actions:ops")).content.decode()
    assert "1 entry waiting to be linked" in page and "role=\"alert\"" not in page
    time_machine.move_to(timezone.now() + timedelta(minutes=5))
    page = client.get(reverse("actions:ops")).content.decode()
    assert "role=\"alert\"" in page and "check that the beat process runs" in page
    audit_chain_pending()
    assert "Every entry is linked" in client.get(reverse("actions:ops")).content.decode()
