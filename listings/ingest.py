"""Bulk ingest from the marketplace: sellers and listings upserted by external id.

Each item is validated by the API's serializers first; this module writes the valid ones. One
transaction per call with a savepoint per item, so a row the database refuses is reported as that
item's error and the others still commit. One `listings_changed` signal for the whole batch.
"""

from dataclasses import dataclass, field

from django.db import DatabaseError, transaction

from .models import Listing, Seller
from .services import listings_changed_on_commit

MAX_ITEMS_PER_CALL = 1000


@dataclass
class IngestResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: dict[int, dict] = field(default_factory=dict)  # item index -> {field: [messages]}


def sellers_upsert_bulk(*, items: dict[int, dict]) -> IngestResult:
    """Create or update sellers (`items`: index -> name, external_id, country). Idempotent."""
    result = IngestResult()
    with transaction.atomic():
        existing = {s.external_id: s for s in Seller.objects.filter(
            external_id__in=[i["external_id"] for i in items.values()])}
        for index, item in items.items():
            seller = existing.get(item["external_id"])
            if seller is not None and seller.name == item["name"] and seller.country == item["country"]:
                result.unchanged.append(seller.external_id)
                continue
            try:
                with transaction.atomic():
                    seller, created = Seller.objects.update_or_create(
                        external_id=item["external_id"], defaults={"name": item["name"], "country": item["country"]})
            except DatabaseError as exc:
                result.errors[index] = {"non_field_errors": [f"Not stored: {exc.__class__.__name__}."]}
                continue
            existing[seller.external_id] = seller
            (result.created if created else result.updated).append(seller.external_id)
    return result


_LISTING_FIELDS = ("title", "description", "brand_name", "ships_from", "price", "currency", "url")


def listings_upsert_bulk(*, items: dict[int, dict]) -> IngestResult:
    """Create or update listings (`items`: index -> validated fields with `seller` a Seller).

    Idempotent: a listing sent again unchanged is not written and not re-checked. Changed and new
    listings are checked by monitoring after commit (one signal for the batch).
    """
    result = IngestResult()
    changed_ids: list[int] = []
    with transaction.atomic():
        existing = {lst.external_id: lst for lst in Listing.objects.filter(
            external_id__in=[i["external_id"] for i in items.values()])}
        for index, item in items.items():
            current = existing.get(item["external_id"])
            fields = {k: item[k] for k in _LISTING_FIELDS if k in item}
            if current is not None and current.seller_id == item["seller"].pk and all(
                    getattr(current, k) == v for k, v in fields.items()):
                result.unchanged.append(current.external_id)
                continue
            try:
                with transaction.atomic():
                    listing, created = Listing.objects.update_or_create(
                        external_id=item["external_id"], defaults={"seller": item["seller"], **fields})
            except DatabaseError as exc:
                result.errors[index] = {"non_field_errors": [f"Not stored: {exc.__class__.__name__}."]}
                continue
            changed_ids.append(listing.pk)
            (result.created if created else result.updated).append(listing.external_id)
        listings_changed_on_commit(listing_ids=changed_ids)
    return result
