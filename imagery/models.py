"""What imagery keeps: listing images as the marketplace reported them, brands' reference images,
the title fingerprints of listings (re-listings) and the signals that link sellers.

Every 64-bit perceptual hash (pHash, certificates.fingerprints) is stored signed with its four
16-bit bands: multi-index hashing (imagery.index) finds the rows within a few bits through four
B-tree indexes, never by reading the table.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ImageStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be fetched"
    READY = "ready", "Hashed"
    FAILED = "failed", "Failed"


class ImageOrigin(models.TextChoices):
    URL = "url", "Fetched by the portal"
    HASH = "hash", "Hash sent by the marketplace"


class ListingImage(models.Model):
    """One picture of a listing. A listing's new set of images replaces the old one (`current`
    False), never deletes it: a case keeps pointing at the image it was opened on."""

    # Indexed by img_listing_current (listing, current), which serves lookups by listing alone too.
    listing = models.ForeignKey("listings.Listing", on_delete=models.CASCADE, related_name="images", db_index=False)
    position = models.PositiveSmallIntegerField(default=0)
    origin = models.CharField(max_length=8, choices=ImageOrigin.choices)
    url = models.CharField(max_length=2000, blank=True)
    status = models.CharField(max_length=8, choices=ImageStatus.choices, default=ImageStatus.PENDING)
    failure = models.CharField(max_length=200, blank=True, help_text="Why the last fetch failed")
    attempts = models.PositiveSmallIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True, help_text="Next fetch after a failure; null: no more")
    current = models.BooleanField(default=True)
    sha256 = models.CharField(max_length=64, blank=True)
    phash = models.BigIntegerField(null=True, blank=True, help_text="64-bit pHash, stored signed")
    band0 = models.IntegerField(null=True, blank=True)
    band1 = models.IntegerField(null=True, blank=True)
    band2 = models.IntegerField(null=True, blank=True)
    band3 = models.IntegerField(null=True, blank=True)
    pdq = models.CharField(max_length=64, blank=True, help_text="256-bit PDQ in hex")
    # The picture without its bottom 15% (imagery.hashes.CROP_BOTTOM): matched against the
    # references' same view, so a caption bar laid over the bottom does not hide a copy.
    crop_phash = models.BigIntegerField(null=True, blank=True)
    crop_pdq = models.CharField(max_length=64, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    thumbnail = models.BinaryField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["listing_id", "position", "id"]
        indexes = [
            models.Index(fields=["listing", "current"], name="img_listing_current"),
            models.Index(fields=["status", "retry_at"], name="img_retry_due"),
            # Search by image and re-listings (imagery.matching.near_rows): the pHash and the id ride
            # in each band index, so a lookup reads the indexes only (index-only scans).
            *[models.Index(fields=[f"band{i}", "phash", "id"], name=f"img_band{i}_cover",
                           condition=Q(phash__isnull=False)) for i in range(4)],
        ]

    def __str__(self) -> str:
        return f"image {self.position} of listing {self.listing_id} ({self.status})"

    @property
    def is_ready(self) -> bool:
        return self.status == ImageStatus.READY

    @property
    def is_failed(self) -> bool:
        return self.status == ImageStatus.FAILED

    @property
    def is_pending(self) -> bool:
        return self.status == ImageStatus.PENDING

    @property
    def shows_picture(self) -> bool:
        """Fetched and hashed here, so a thumbnail exists (a marketplace hash has none)."""
        return self.status == ImageStatus.READY and self.origin == ImageOrigin.URL

    @property
    def phash_hex(self) -> str:
        return phash_hex(self.phash)


def phash_hex(phash: int | None) -> str:
    """A pHash stored signed, as the 16 hexadecimal characters it is sent and shown as."""
    return "" if phash is None else f"{phash & 0xFFFFFFFFFFFFFFFF:016x}"


class ReferenceKind(models.TextChoices):
    LOGO = "logo", "Logo (figurative mark)"
    PRODUCT = "product", "Product photo"
    DRAWING = "drawing", "Design drawing"


class ReferenceImage(models.Model):
    """A picture a brand protects under one of its rights. Hashed once, when added. Certified works
    (certificates.Certificate with a right) are references too, read from their own table."""

    right = models.ForeignKey("registry.IPRight", on_delete=models.CASCADE, related_name="reference_images")
    kind = models.CharField(max_length=8, choices=ReferenceKind.choices)
    label = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    phash = models.BigIntegerField()
    band0 = models.IntegerField()
    band1 = models.IntegerField()
    band2 = models.IntegerField()
    band3 = models.IntegerField()
    pdq = models.CharField(max_length=64, blank=True)
    crop_phash = models.BigIntegerField()
    crop_pdq = models.CharField(max_length=64)
    mirror_phash = models.BigIntegerField()
    mirror_pdq = models.CharField(max_length=64)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    thumbnail = models.BinaryField(editable=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["right", "sha256"], name="one_reference_per_file_and_right")]

    def __str__(self) -> str:
        return self.label or f"{self.get_kind_display()} #{self.pk}"


class TitleFingerprint(models.Model):
    """SimHash of a listing's normalized title words: a re-posted copy of a removed listing is
    found within a few bits (monitoring.services.relistings_find)."""

    listing = models.OneToOneField("listings.Listing", on_delete=models.CASCADE, related_name="title_fingerprint")
    simhash = models.BigIntegerField()
    band0 = models.IntegerField()
    band1 = models.IntegerField()
    band2 = models.IntegerField()
    band3 = models.IntegerField()

    class Meta:
        # As ListingImage's band indexes: the SimHash and the id ride in each (index-only scans).
        indexes = [models.Index(fields=[f"band{i}", "simhash", "id"], name=f"title_band{i}_cover") for i in range(4)]

    def __str__(self) -> str:
        return f"title fingerprint of listing {self.listing_id}"


class SignalKind(models.TextChoices):
    LINKED_ID = "linked", "Linked account (marketplace)"
    PAYMENT = "payment", "Payment fingerprint"
    ADDRESS = "address", "Address fingerprint"


class SellerSignal(models.Model):
    """An opaque value the marketplace sent about a seller. Two sellers sharing a value are linked."""

    seller = models.ForeignKey("listings.Seller", on_delete=models.CASCADE, related_name="signals")
    kind = models.CharField(max_length=8, choices=SignalKind.choices)
    value = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["seller", "kind", "value"], name="one_signal_per_value")]
        indexes = [models.Index(fields=["kind", "value"], name="seller_signal_value")]

    def __str__(self) -> str:
        return f"{self.seller_id} {self.kind}"
