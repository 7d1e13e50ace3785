"""Bulk ingest from the marketplace: sellers and listings upserted by external id.

Each item is validated by the API's serializers first; this module writes the valid ones. One
transaction per call with a savepoint per item, so a row the database refuses is reported as that
item's error and the others still commit. One `listings_changed` signal for the whole batch.
"""

from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.utils import timezone

from .models import Listing, Seller
from .services import listings_changed_on_commit
from .signals import listing_images_reported, listings_written

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


_LISTING_FIELDS = ("title", "description", "brand_name", "ships_from", "price", "currency", "url")  # not images


def listings_upsert_bulk(*, items: dict[int, dict]) -> IngestResult:
    """Create or update listings (`items`: index -> validated fields with `seller` a Seller).

    Idempotent: a listing sent again unchanged is not written and not re-checked. New listings are
    inserted in one statement and changed ones updated in one (per call); if the database refuses
    that (a concurrent call created the same id a moment ago), each item is written on its own so
    the refusal lands on the item at fault. Changed and new listings are checked by monitoring after
    commit (one signal for the batch).
    """
    result = IngestResult()
    with transaction.atomic():
        # Race: a concurrent call for the same ids; the row locks make the second wait, then see ours.
        existing = {lst.external_id: lst for lst in Listing.objects.select_for_update().filter(
            external_id__in=[i["external_id"] for i in items.values()]).order_by("pk")}
        new: dict[int, dict] = {}
        seen: set[str] = set()
        changed: list[Listing] = []
        for index, item in items.items():
            if item["external_id"] in seen:
                result.errors[index] = {"external_id": ["Sent twice in this call; send each listing once."]}
                continue
            seen.add(item["external_id"])
            current = existing.get(item["external_id"])
            fields = {k: item[k] for k in _LISTING_FIELDS if k in item}
            if current is None:
                new[index] = item
            elif current.seller_id == item["seller"].pk and all(getattr(current, k) == v for k, v in fields.items()):
                result.unchanged.append(current.external_id)
            else:
                for k, v in fields.items():
                    setattr(current, k, v)
                current.seller = item["seller"]
                changed.append(current)
        try:
            with transaction.atomic():
                created = Listing.objects.bulk_create([_listing(item) for item in new.values()])
        except DatabaseError:
            created = _create_one_by_one(new, result)
        now = timezone.now()
        for listing in changed:
            listing.updated_at = now  # bulk_update does not run auto_now
        Listing.objects.bulk_update(changed, ["seller", *_LISTING_FIELDS, "updated_at"], batch_size=500)
        result.created += [lst.external_id for lst in created]
        result.updated += [lst.external_id for lst in changed]
        written = [lst.pk for lst in created] + [lst.pk for lst in changed]
        if written:
            listings_written.send(sender=Listing, listing_ids=written)
        listings_changed_on_commit(listing_ids=written)
        _report_images(items, [*created, *changed, *existing.values()])
    return result


def _report_images(items: dict[int, dict], listings: list[Listing]) -> None:
    """Items that carried `images`: their listings' pictures go to imagery (stored, fetched later)."""
    ids = {lst.external_id: lst.pk for lst in listings}
    images = {ids[i["external_id"]]: i["images"] for i in items.values()
              if "images" in i and i["external_id"] in ids}
    if images:
        listing_images_reported.send(sender=Listing, images=images)


def _listing(item: dict) -> Listing:
    return Listing(external_id=item["external_id"], seller=item["seller"],
                   **{k: item[k] for k in _LISTING_FIELDS if k in item})


def _create_one_by_one(new: dict[int, dict], result: IngestResult) -> list[Listing]:
    created = []
    for index, item in new.items():
        try:
            with transaction.atomic():
                created.append(_save_new(item))
        except DatabaseError as exc:
            result.errors[index] = {"non_field_errors": [f"Not stored: {exc.__class__.__name__}."]}
    return created


def _save_new(item: dict) -> Listing:
    listing = _listing(item)
    listing.save(force_insert=True)
    return listing
