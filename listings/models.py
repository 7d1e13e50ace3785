"""The portal's mirror of the marketplace: sellers and their listings."""

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


class Listing(models.Model):
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


class SellerLinkUse(models.Model):
    """A signed seller-console link that was used (listings.seller_accounts): each works once."""

    signature_hash = models.CharField(max_length=64, unique=True)
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    used_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Seller link for {self.email} @ {self.seller_id}"
