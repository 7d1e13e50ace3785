from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from complaints.models import Case, CaseState, Report
from complaints.services import MAX_LISTINGS_PER_REPORT, ReportError
from listings.models import Listing
from registry.models import BrandMember, IPRight, RightStatus

from ..conftest import claim_and_remove, file_report
from ..factories import CaseFactory, TrademarkFactory


@pytest.fixture
def nothing_filed():
    """Asserts, after the test body, that no report, case or audit entry was written."""
    before = (Report.objects.count(), Case.objects.count(), AuditEntry.objects.count())
    yield
    assert (Report.objects.count(), Case.objects.count(), AuditEntry.objects.count()) == before


def test_it_opens_one_case_per_listing(world):
    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a)
    cases = list(report.cases.order_by("id"))
    assert [c.listing for c in cases] == world.listings_a
    assert all(c.state == CaseState.OPEN and c.right == world.tm_a for c in cases)
    assert report.brand == world.brand_a and report.reporter == world.alice
    assert report.signature == "Alice Example" and report.signed_at is not None


def test_it_gives_a_verified_right_priority_one(world):
    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])
    assert report.cases.get().priority == 1


def test_it_gives_a_trusted_flagger_priority_zero_and_an_unverified_right_two(world):
    world.brand_a.trusted_flagger = True
    world.brand_a.save()
    trusted = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])
    pending = TrademarkFactory(brand=world.brand_a, name="ACME PENDING", status=RightStatus.PENDING)
    unverified = file_report(reporter=world.alice, right=pending, listings=world.listings_a[1:2])
    assert trusted.cases.get().priority == 0
    assert unverified.cases.get().priority == 2


def test_it_keeps_the_listing_as_it_was_when_reported(world):
    listing = world.listings_a[0]
    original_title = listing.title
    report = file_report(reporter=world.alice, right=world.tm_a, listings=[listing])
    Listing.objects.filter(pk=listing.pk).update(title="Edited after the report")
    case = report.cases.get()
    case.refresh_from_db()
    assert case.listing_snapshot["title"] == original_title
    assert case.listing_snapshot["external_id"] == listing.external_id
    assert case.listing_snapshot["seller"] == world.seller_a.name


def test_it_writes_the_report_and_each_case_to_the_audit_log(world):
    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:2])
    entries = list(AuditEntry.objects.order_by("id"))
    assert [e.action for e in entries] == ["report.submitted", "case.open", "case.open"]
    assert entries[0].target_id == report.pk and entries[0].actor == world.alice
    assert entries[0].data["listings"] == [lst.external_id for lst in world.listings_a[:2]]
    assert {e.target_id for e in entries[1:]} == set(report.cases.values_list("id", flat=True))


def test_an_authorized_agent_can_report_for_the_brand(world):
    BrandMember.objects.filter(user=world.agent).update(
        authorized_until=timezone.localdate() + timedelta(days=30))
    report = file_report(reporter=world.agent, right=world.tm_a, listings=world.listings_a[:1])
    assert report.reporter == world.agent


def test_it_refuses_an_agent_whose_authorization_has_ended(world, nothing_filed):
    BrandMember.objects.filter(user=world.agent).update(authorized_until=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ReportError, match="not a member") as exc:
        file_report(reporter=world.agent, right=world.tm_a, listings=world.listings_a[:1])
    assert exc.value.field == "brand"


def test_it_refuses_a_reporter_who_is_not_a_member_of_the_brand(world, nothing_filed):
    with pytest.raises(ReportError, match="not a member") as exc:
        file_report(reporter=world.bob, right=world.tm_a, listings=world.listings_a[:1])
    assert exc.value.field == "brand"


def test_it_refuses_a_right_of_another_brand(world, nothing_filed):
    with pytest.raises(ReportError, match="this brand's registered rights") as exc:
        file_report(reporter=world.alice, brand=world.brand_a, right=world.tm_b, listings=world.listings_a[:1])
    assert exc.value.field == "right"


def test_it_refuses_a_report_without_listings(world, nothing_filed):
    with pytest.raises(ReportError, match="at least one listing") as exc:
        file_report(reporter=world.alice, right=world.tm_a, listings=[])
    assert exc.value.field == "listings"


def test_it_refuses_more_than_the_maximum_of_listings(world, nothing_filed):
    many = Listing.objects.bulk_create(
        Listing(external_id=f"BULK-{i:04d}", seller=world.seller_a, title="Replica", ships_from="CN", price=1)
        for i in range(MAX_LISTINGS_PER_REPORT + 1)
    )
    with pytest.raises(ReportError, match=f"at most {MAX_LISTINGS_PER_REPORT}") as exc:
        file_report(reporter=world.alice, right=world.tm_a, listings=many)
    assert exc.value.field == "listings"


def test_it_takes_exactly_the_maximum_of_listings(world):
    many = Listing.objects.bulk_create(
        Listing(external_id=f"BULK-{i:04d}", seller=world.seller_a, title="Replica", ships_from="CN", price=1)
        for i in range(MAX_LISTINGS_PER_REPORT)
    )
    report = file_report(reporter=world.alice, right=world.tm_a, listings=many)
    assert report.cases.count() == MAX_LISTINGS_PER_REPORT


@pytest.mark.parametrize("missing", ["good_faith", "accurate", "authority"])
def test_it_refuses_a_report_missing_a_declaration(world, nothing_filed, missing):
    declarations = {"good_faith": True, "accurate": True, "authority": True, missing: False}
    with pytest.raises(ReportError, match="Tick every declaration"):
        file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1], declarations=declarations)


@pytest.mark.parametrize("signature", ["", "   "])
def test_it_refuses_a_blank_signature(world, nothing_filed, signature):
    with pytest.raises(ReportError, match="signature") as exc:
        file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1], signature=signature)
    assert exc.value.field == "signature"


def test_it_links_a_listing_already_under_review_for_the_same_right(world):
    first = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])
    taken = first.cases.get()
    second = file_report(reporter=world.agent, right=world.tm_a, listings=[world.listings_a[1], world.listings_a[0]])
    assert [c.listing for c in second.cases.all()] == [world.listings_a[1]]
    assert list(second.linked_cases.all()) == [taken]
    assert Case.objects.filter(listing=world.listings_a[0]).count() == 1
    assert AuditEntry.objects.filter(action="report.linked", target_id=taken.pk,
                                     data__report=second.pk).exists()


def test_it_opens_a_new_case_when_the_earlier_one_was_decided(world):
    first = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])
    claim_and_remove(case=first.cases.get(), reviewer=world.rev1)
    second = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])
    assert second.cases.count() == 1 and not second.linked_cases.exists()


def test_it_merges_duplicate_listings(world):
    listing = world.listings_a[0]
    report = file_report(reporter=world.alice, right=world.tm_a, listings=[listing, listing, listing])
    assert report.cases.count() == 1


def test_it_accepts_the_same_listing_for_a_different_right(world):
    file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])
    other = TrademarkFactory(brand=world.brand_a, name="ACME LOGO")
    report = file_report(reporter=world.alice, right=other, listings=world.listings_a[:1])
    assert report.cases.count() == 1


@pytest.mark.parametrize("status", ["rejected", "expired"])
def test_it_refuses_a_right_that_was_rejected_or_has_expired(world, status):
    IPRight.objects.filter(pk=world.tm_a.pk).update(status=status)
    world.tm_a.refresh_from_db()
    with pytest.raises(ReportError) as err:
        file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_a[0]])
    assert err.value.field == "right"
    assert status in str(err.value)
    assert not Report.objects.exists()


def test_each_case_carries_its_rights_brand_and_kind_for_the_queue_filters(world):
    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:2])
    assert {(c.brand_id, c.kind) for c in report.cases.all()} == {(world.brand_a.pk, world.tm_a.kind)}
    # a case created another way (factories, automatic detection) gets them from its right too
    other = CaseFactory(report=report, listing=world.listings_b[0], right=world.tm_b)
    other.refresh_from_db()
    assert (other.brand_id, other.kind) == (world.brand_b.pk, world.tm_b.kind)
