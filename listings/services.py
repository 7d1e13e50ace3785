from django.db import transaction

from .models import Listing
from .signals import listings_changed, listings_written


def listing_upsert(*, seller, external_id: str, **fields) -> tuple[Listing, bool]:
    """Create or update the mirror of one marketplace listing: the one path every listing change
    takes (API, bulk ingest, admin, demo data). Status is never set here: only restrictions change
    it (a suspended seller's listing is restricted in this transaction: `listings_written`). After
    commit, `listings_changed` tells monitoring to check the listing."""
    fields.pop("status", None)
    with transaction.atomic():
        listing, created = Listing.objects.update_or_create(
            # The content hash is the bulk path's (listings.ingest): cleared here, so the next batch
            # that sends this listing writes it whatever it holds.
            external_id=external_id, defaults={"seller": seller, **fields, "content_hash": ""}
        )
        listings_written.send(sender=Listing, listing_ids=[listing.pk])
        listing.refresh_from_db(fields=["status"])  # a receiver may have restricted it
        listings_changed_on_commit(listing_ids=[listing.pk])
    return listing, created


def listings_changed_on_commit(*, listing_ids: list[int]) -> None:
    """Send `listings_changed` once the current transaction commits (at once outside one)."""
    ids = list(listing_ids)
    if ids:
        transaction.on_commit(lambda: listings_changed.send(sender=Listing, listing_ids=ids), robust=True)
