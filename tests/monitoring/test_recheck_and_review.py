"""Rule changes re-check existing listings in chunks; reviewers confirm or reverse automatic cases."""

import pytest
from django.urls import reverse

from actions.models import ActionKind, EnforcementAction
from complaints.models import Case, CaseSource, CaseState
from decisions.services import case_decide
from listings.models import Listing, ListingStatus
from monitoring import services
from monitoring.models import RecheckJob, RecheckStatus
from registry.services import protection_rules_set
from review.claims import case_claim

from ..factories import ListingFactory
from .helpers import set_rules, upsert

pytestmark = pytest.mark.django_db


def test_changing_rules_rechecks_existing_listings_in_chunks(world, django_capture_on_commit_callbacks,
                                                             settings):
    settings.MONITORING_RECHECK_CHUNK = 2
    offending = [ListingFactory(seller=world.seller_b, title=f"ACME copy {i}", ships_from="CN") for i in range(3)]
    set_rules(world, django_capture_on_commit_callbacks, countries=["DE"], countries_mode="flag")
    job = RecheckJob.objects.get(brand=world.brand_a)
    assert job.status == RecheckStatus.DONE and job.checked == job.total == 8  # 5 from world + 3
    assert job.hits == 3 and job.cursor == job.upto
    assert set(Case.objects.filter(source=CaseSource.AUTOMATIC).values_list("listing_id", flat=True)) == {
        lst.pk for lst in offending}


def test_a_recheck_resumes_from_its_cursor_and_ignores_a_redelivered_chunk(world, settings,
                                                                           django_capture_on_commit_callbacks):
    settings.MONITORING_RECHECK_CHUNK = 2
    for i in range(3):
        ListingFactory(seller=world.seller_b, title=f"ACME copy {i}", ships_from="CN")
    # Saved without running the after-commit hand-off: the test drives the chunks itself.
    protection_rules_set(brand=world.brand_a, by=world.alice, countries=["DE"], countries_mode="flag", sellers=[],
                         sellers_mode="flag", extra_terms=[], misspellings=[])
    services.protection_version_bump()
    job = services.recheck_start(brand_id=world.brand_a.pk)  # its chunk message is "lost"
    next_cursor = services.recheck_chunk_run(job_id=job.pk, cursor=0)
    job.refresh_from_db()
    assert next_cursor is not None and next_cursor == job.cursor
    assert job.status == RecheckStatus.RUNNING and job.checked == 2
    assert services.recheck_chunk_run(job_id=job.pk, cursor=0) is None  # redelivered: nothing happens
    job.refresh_from_db()
    assert job.checked == 2 and job.cursor == next_cursor
    RecheckJob.objects.filter(pk=job.pk).update(updated_at=job.updated_at.replace(year=2000))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.rechecks_resume_stale() == 1  # the beat sweep re-queues it; eager: runs to the end
    job.refresh_from_db()
    assert job.status == RecheckStatus.DONE and job.hits == 3


def test_a_second_rule_change_supersedes_a_running_recheck(world):
    services.protection_version_bump()
    first = services.recheck_start(brand_id=world.brand_a.pk)
    second = services.recheck_start(brand_id=world.brand_a.pk)
    first.refresh_from_db()
    assert first.status == RecheckStatus.SUPERSEDED and second.status == RecheckStatus.RUNNING


def _suppressed_case(world, capture):
    set_rules(world, capture, countries=["DE"], countries_mode="suppress")
    listing = upsert(capture, world.seller_b, title="ACME headphones")
    assert listing.status == ListingStatus.SUPPRESSED
    return Case.objects.get(listing=listing, source=CaseSource.AUTOMATIC), listing


def test_the_automatic_case_waits_in_the_queue_and_a_reviewer_confirms_it(world, client,
                                                                          django_capture_on_commit_callbacks):
    case, listing = _suppressed_case(world, django_capture_on_commit_callbacks)
    client.force_login(world.rev1)
    page = client.get(reverse("review:case_detail", args=[case.pk])).content.decode()
    assert "Automatic detection" in page and "ships from outside the authorized countries" in page
    case_claim(case=case, reviewer=world.rev1)
    with django_capture_on_commit_callbacks(execute=True):
        case_decide(case=case, reviewer=world.rev1, reason_code="tm_misuse", facts="Mark used, ships from CN.")
    listing.refresh_from_db()
    assert listing.status == ListingStatus.REMOVED and Case.objects.get(pk=case.pk).state == CaseState.ACTIONED


def test_a_reviewer_reversing_it_reinstates_the_listing_and_it_is_not_reopened(world,
                                                                               django_capture_on_commit_callbacks):
    case, listing = _suppressed_case(world, django_capture_on_commit_callbacks)
    case_claim(case=case, reviewer=world.rev1)
    with django_capture_on_commit_callbacks(execute=True):
        case_decide(case=case, reviewer=world.rev1, reason_code="no_infringement", facts="Genuine goods.")
    listing.refresh_from_db()
    assert listing.status == ListingStatus.ACTIVE
    assert EnforcementAction.objects.filter(case=case, kind=ActionKind.REINSTATE).exists()
    # The marketplace sends the same listing again: the reviewer's reversal stands.
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, title="ACME headphones")
    assert Case.objects.filter(listing=listing).count() == 1 and listing.status == ListingStatus.ACTIVE


def test_the_seller_sees_the_automated_notice_with_its_statement(world, client, django_capture_on_commit_callbacks):
    case, listing = _suppressed_case(world, django_capture_on_commit_callbacks)
    client.force_login(world.sue)  # seller_b's member
    page = client.get(reverse("sellers:notice_detail", args=[case.pk])).content.decode()
    assert "Detected automatically for" in page and "Detection and decision were automated." in page
    assert "File appeal" not in page  # a reviewer confirms first; a confirmed removal can be appealed
    client.force_login(world.sam)
    assert client.get(reverse("sellers:notice_detail", args=[case.pk])).status_code == 404


def test_a_listing_already_reported_for_the_right_gets_no_second_case(world, django_capture_on_commit_callbacks):
    from ..conftest import file_report

    set_rules(world, django_capture_on_commit_callbacks, countries=["DE"], countries_mode="suppress")
    listing = world.listings_b[0]
    file_report(reporter=world.alice, right=world.tm_a, listings=[listing])
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, listing.external_id, title="ACME copy")
    assert Case.objects.filter(listing=listing).count() == 1 and listing.status == ListingStatus.ACTIVE


def test_a_report_racing_the_detection_wins_and_the_check_goes_on(world, monkeypatch,
                                                                  django_capture_on_commit_callbacks):
    from ..conftest import file_report

    set_rules(world, django_capture_on_commit_callbacks, countries=["DE"], countries_mode="suppress")
    raced = world.listings_b[0]

    def report_arrives(*, listing, right, detection):  # between the exists() check and the insert
        if listing.pk == raced.pk:
            file_report(reporter=world.alice, right=right, listings=[listing])
        return False

    monkeypatch.setattr(services, "_reviewer_reversed", report_arrives)
    Listing.objects.filter(pk__in=[lst.pk for lst in world.listings_b]).update(title="ACME copy")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.listings_check(listing_ids=[lst.pk for lst in world.listings_b]) == 1
    assert Case.objects.get(listing=raced).source == CaseSource.REPORT
    assert Case.objects.get(listing=world.listings_b[1]).source == CaseSource.AUTOMATIC
