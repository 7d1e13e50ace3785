"""Re-listings: a listing removed for IP infringement and posted again (title or picture copied)
by the same seller or a linked one opens an automatic case "re-listing of C-…", suppressed at
once where the brand chose automatic suppression; an unrelated seller's similar listing is not."""

from decimal import Decimal

from django.db import transaction

from complaints.models import Case, CaseSource
from imagery import services
from listings.models import ListingStatus
from listings.services import listing_upsert

from ..conftest import claim_and_remove, file_report
from ..factories import SellerFactory
from ..monitoring.helpers import set_rules, upsert

TITLE = "Acme Pro wireless earbuds with charging case, black"


def _removed(world, capture, title=TITLE, seller=None):
    listing = upsert(capture, seller or world.seller_a, "OLD-1", title=title, ships_from="DE")
    report = file_report(reporter=world.alice, right=world.tm_a, listings=[listing])
    case = report.cases.get()
    with capture(execute=True):
        claim_and_remove(case=case, reviewer=world.rev1)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.REMOVED
    return case


def test_the_same_seller_reposting_a_removed_listing_is_caught_and_suppressed(
        world, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks, countries=("DE", "CN"), countries_mode="suppress")
    old = _removed(world, django_capture_on_commit_callbacks)
    new = upsert(django_capture_on_commit_callbacks, world.seller_a, "NEW-1",
                 title="ACME PRO Wireless Earbuds with Charging Case - Black", ships_from="DE")
    case = Case.objects.get(listing=new)
    assert case.source == CaseSource.AUTOMATIC and case.right == old.right
    assert case.detection["relisting_of"] == old.reference and case.detection["relisting_case"] == old.pk
    assert "same seller" in case.detection["relisting_why"]
    new.refresh_from_db()
    assert new.status == ListingStatus.SUPPRESSED
    statement = case.decisions.get().statement
    assert f"re-listing of {old.reference}" in statement


def test_a_linked_seller_reposting_is_caught_and_an_unrelated_seller_is_not(world, django_capture_on_commit_callbacks):
    old = _removed(world, django_capture_on_commit_callbacks)
    stranger = SellerFactory()
    upsert(django_capture_on_commit_callbacks, stranger, "NEW-2", title=TITLE, ships_from="DE")
    assert not Case.objects.filter(listing__external_id="NEW-2").exists()
    services.seller_signals_set(seller=world.seller_b, linked_ids=[], fingerprints=[
        {"kind": "payment", "value": "sha256:abc"}])
    services.seller_signals_set(seller=world.seller_a, linked_ids=[], fingerprints=[
        {"kind": "payment", "value": "sha256:abc"}])
    new = upsert(django_capture_on_commit_callbacks, world.seller_b, "NEW-3", title=TITLE, ships_from="DE")
    case = Case.objects.get(listing=new)
    assert "linked seller" in case.detection["relisting_why"]
    assert not case.detection_suppresses  # Acme set no suppressing rule
    new.refresh_from_db()
    assert new.status == ListingStatus.ACTIVE
    assert old.pk != case.pk


def test_a_different_title_by_the_same_seller_is_not_a_relisting(world, django_capture_on_commit_callbacks):
    _removed(world, django_capture_on_commit_callbacks)
    upsert(django_capture_on_commit_callbacks, world.seller_a, "NEW-4", title="Garden hose 25 m with brass fittings",
           ships_from="DE")
    assert not Case.objects.filter(listing__external_id="NEW-4").exists()


def test_the_reviewer_sees_the_old_decision_beside_the_new_listing(world, client, django_capture_on_commit_callbacks):
    old = _removed(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        new, _ = listing_upsert(seller=world.seller_a, external_id="NEW-5", title=TITLE, ships_from="DE",
                                price=Decimal("5"))
    case = Case.objects.get(listing=new)
    client.force_login(world.rev1)
    page = client.get(f"/review/cases/{case.pk}/").content.decode()
    assert f'href="/review/cases/{old.pk}/"' in page and "Re-listing of" in page and "Remove" in page
