"""Re-listings: a listing removed for IP infringement and posted again (title or picture copied)
by the same seller or a linked one opens an automatic case "re-listing of C-…", suppressed at
once where the brand chose automatic suppression; an unrelated seller's similar listing is not."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from certificates import fingerprints as fp
from complaints.models import Case, CaseSource
from imagery import services
from imagery.models import ListingImage
from listings.models import Listing, ListingStatus
from listings.services import listing_upsert
from monitoring.services import relistings_find

from ..conftest import claim_and_remove, file_report
from ..factories import ListingFactory, SellerFactory
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


def _rows(listings):
    return list(Listing.objects.filter(pk__in=[x.pk for x in listings]).order_by("pk")
                .values_list("pk", "title", "description", "brand_name", "ships_from", "seller_id"))


def _picture(listing, h: int):
    signed = fp.to_signed(h)
    b0, b1, b2, b3 = fp.bands(signed)
    return ListingImage.objects.create(listing=listing, position=0, origin="hash", status="ready", phash=signed,
                                       band0=b0, band1=b1, band2=b2, band3=b3)


@pytest.mark.postgres  # SQLite searches value by value
def test_a_batch_is_searched_for_relistings_in_the_same_statements_whatever_its_size(
        require_postgres, world, django_capture_on_commit_callbacks):
    old = _removed(world, django_capture_on_commit_callbacks)
    photo = 0x0123_4567_89AB_CDEF
    _picture(old.listing, photo)
    copies = [ListingFactory(seller=world.seller_a, title=TITLE.upper()) for _ in range(2)]
    copies += [ListingFactory(seller=world.seller_a, title=f"Garden hose {n} m, green") for n in range(3)]
    for n, copy in enumerate(copies[2:]):  # found by the picture (3, 5, 7 bits off), not the title
        _picture(copy, photo ^ ((1 << (2 * n + 3)) - 1))
    unrelated = [ListingFactory(seller=world.seller_a, title=f"Lamp shade model {n}") for n in range(5)]

    counts, found = [], {}
    for batch in ([copies[0], copies[2]], copies + unrelated):
        with CaptureQueriesContext(connection) as queries:
            found = relistings_find(rows=_rows(batch))
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert sorted(found) == sorted(c.pk for c in copies)
    assert {hit.removed_case_id for hits in found.values() for hit in hits} == {old.pk}
    assert "its title is 0 of 64" in found[copies[0].pk][0].why
    assert [found[c.pk][0].why.split(",")[0] for c in copies[2:]] == [
        f"a picture is {d} of 64 bits from the removed listing's" for d in (3, 5, 7)]


def test_a_batch_finds_the_copies_each_listing_alone_finds(world, django_capture_on_commit_callbacks):
    # A seller linked to the removed listing's seller, a stranger, and the removed listing itself
    # (not its own re-listing): the batch answer is the union of the answers one by one.
    _removed(world, django_capture_on_commit_callbacks)
    services.seller_signals_set(seller=world.seller_b, linked_ids=[], fingerprints=[
        {"kind": "payment", "value": "sha256:abc"}])
    services.seller_signals_set(seller=world.seller_a, linked_ids=[], fingerprints=[
        {"kind": "payment", "value": "sha256:abc"}])
    batch = [ListingFactory(seller=world.seller_b, title=TITLE), ListingFactory(title=TITLE),
             ListingFactory(seller=world.seller_a, title="Garden hose"),
             Listing.objects.get(external_id="OLD-1")]
    together = relistings_find(rows=_rows(batch))
    alone = {}
    for listing in batch:
        alone.update(relistings_find(rows=_rows([listing])))
    assert together == alone and list(together) == [batch[0].pk]
    assert "linked seller" in together[batch[0].pk][0].why


def test_only_removed_listings_are_fingerprinted_and_as_they_read_when_removed(
        world, django_capture_on_commit_callbacks):
    # Re-listings are searched among removed listings only, so only they are indexed: a listing
    # that is merely changed leaves no fingerprint, a removed one gets it in the removing
    # transaction, and a title the seller edits after the removal does not move it (the copy of
    # what was removed is what is caught).
    from imagery.matching import title_simhash
    from imagery.models import TitleFingerprint

    other = upsert(django_capture_on_commit_callbacks, world.seller_b, "PLAIN-1", title="Garden hose 25 m")
    old = _removed(world, django_capture_on_commit_callbacks)
    assert list(TitleFingerprint.objects.values_list("listing_id", "simhash")) == [
        (old.listing_id, title_simhash(TITLE))]
    assert other.pk != old.listing_id
    upsert(django_capture_on_commit_callbacks, world.seller_a, "OLD-1", title="Garden hose 25 m, brass",
           ships_from="DE")
    assert TitleFingerprint.objects.get().simhash == title_simhash(TITLE)
    new = upsert(django_capture_on_commit_callbacks, world.seller_a, "NEW-9", title=TITLE, ships_from="DE")
    assert Case.objects.get(listing=new).detection["relisting_case"] == old.pk
