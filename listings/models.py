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
    status = models.CharField(max_length=16, choices=ListingStatus.choices, default=ListingStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["external_id"]

    def __str__(self) -> str:
        return f"{self.external_id} · {self.title[:60]}"

    def snapshot(self) -> dict:
        """What the listing showed at a moment (kept on a case as reported)."""
        return {
            "external_id": self.external_id, "title": self.title, "description": self.description,
            "brand_name": self.brand_name, "seller": self.seller.name, "seller_id": self.seller_id,
            "ships_from": self.ships_from, "price": str(self.price), "currency": self.currency,
            "url": self.url, "status": self.status,
        }
