"""The portal's mirror of the marketplace: sellers and their listings."""

import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.db import models


class Seller(models.Model):
    name = models.CharField(max_length=200)
    external_id = models.CharField(max_length=64, unique=True)
    country = models.CharField(max_length=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SellerMember(models.Model):
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="seller_memberships")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["seller", "user"], name="one_membership_per_seller")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.seller}"


class ListingStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUPPRESSED = "suppressed", "Suppressed"
    REMOVED = "removed", "Removed"


def status_for(restriction_kinds) -> str:
    """The status a listing has under these active restrictions ("removed" / "suppressed" kinds):
    removed while any removal is active, suppressed while any suppression is, active otherwise."""
    kinds = set(restriction_kinds)
    if ListingStatus.REMOVED in kinds:
        return ListingStatus.REMOVED
    if ListingStatus.SUPPRESSED in kinds:
        return ListingStatus.SUPPRESSED
    return ListingStatus.ACTIVE


# What the protection rules read of a listing (monitoring.matcher.ListingFacts): a listing a person
# reinstated is not restricted again by the same rule until one of these changes.
RULE_FACTS = ("title", "description", "brand_name", "ships_from", "seller_id")


# What the content hash covers: everything the marketplace sends of a listing (status is the portal's).
CONTENT_FIELDS = ("seller_id", "title", "description", "brand_name", "ships_from", "price", "currency", "url")


def listing_content_hash(*, seller_id: int, title: str, description: str, brand_name: str, ships_from: str,
                         price, currency: str, url: str, extras: dict | None = None) -> str:
    """The listing's content hash (Listing.content_hash): equal exactly when every field the
    marketplace sends is equal, so a listing sent again unchanged costs the ingest merge nothing.
    The price is hashed at two decimals, as stored ("19.9" and "19.90" are one price)."""
    price_text = f"{Decimal(price):.2f}" if price is not None else ""
    payload = "\x1f".join((str(seller_id), title, description, brand_name, ships_from, price_text, currency, url))
    if extras:  # the optional keys other apps take (images): a changed list is a changed listing
        payload += "\x1e" + json.dumps(extras, sort_keys=True, default=str)
    return hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()


class Listing(models.Model):
    # Unique, without the extra LIKE index PostgreSQL would have beside it (dropped by migration
    # 0005: no query needs it, and each new listing paid for it).
    external_id = models.CharField(max_length=64, unique=True, help_text="The marketplace's listing id")
    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="listings")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    brand_name = models.CharField(max_length=200, blank=True)
    ships_from = models.CharField(max_length=2)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    url = models.URLField(blank=True)
    # Derived, never set on its own: what the listing's active restrictions (actions.Restriction)
    # say, written in the transaction that imposes or lifts one (status_for).
    status = models.CharField(max_length=16, choices=ListingStatus.choices, default=ListingStatus.ACTIVE)
    # listing_content_hash of the fields as last written by an ingest path; empty when written
    # otherwise (fixtures, an old row): then the next ingest of it always writes.
    content_hash = models.CharField(max_length=32, blank=True, default="", db_default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["external_id"]

    def __str__(self) -> str:
        return f"{self.external_id} · {self.title[:60]}"

    def active_restrictions(self):
        """What hides the listing now (actions.Restriction rows not lifted), oldest first. By the
        reverse relation: listings imports nothing above it."""
        return self.restrictions.filter(lifted_at__isnull=True).select_related("case", "suspension").order_by("id")

    def rule_facts(self) -> dict:
        return {name: getattr(self, name) for name in RULE_FACTS}

    def snapshot(self) -> dict:
        """What the listing showed at a moment (kept on a case as reported)."""
        return {
            "external_id": self.external_id, "title": self.title, "description": self.description,
            "brand_name": self.brand_name, "seller": self.seller.name, "seller_id": self.seller_id,
            "ships_from": self.ships_from, "price": str(self.price), "currency": self.currency,
            "url": self.url, "status": self.status,
        }


class IngestStreamOffset(models.Model):
    """How far listing changes from one stream partition have been applied (listings.stream): the
    last entry id, written in the transaction that applies its batch. A batch delivered again (a
    consumer killed after its commit but before XACK, a claimed pending entry) skips what this says
    is applied, so no change is applied twice; `applied` counts the entries applied, once each."""

    stream = models.CharField(max_length=200, unique=True)
    last_ms = models.BigIntegerField(default=0)  # a Redis stream id is "<ms>-<seq>"
    last_seq = models.BigIntegerField(default=0)
    applied = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.stream} at {self.last_ms}-{self.last_seq}"


class SellerLinkUse(models.Model):
    """A signed seller-console link that was used (listings.seller_accounts): each works once."""

    signature_hash = models.CharField(max_length=64, unique=True)
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    used_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Seller link for {self.email} @ {self.seller_id}"
