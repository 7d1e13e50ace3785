"""Certificates of copyrighted works and the append-only Merkle log that holds them.

A Certificate is one registered work: its bytes' SHA-256 (and, for text, the normalized text's),
its 64-bit fingerprint split in four indexed bands for near-duplicate search, and the exact
entry (canonical JSON) appended to the log as leaf `leaf_index`. LogNode keeps every perfect
subtree of the log (certificates/merkle.py), TreeHead every signed tree head ever issued.
"""

import base64

from django.conf import settings
from django.db import models
from django.db.models import Q

from registry.choices import WorkType


class FingerprintKind(models.TextChoices):
    PHASH = "phash", "pHash (image)"
    SIMHASH = "simhash", "SimHash (text)"


CERTIFIABLE_TYPES = [(WorkType.IMAGE.value, WorkType.IMAGE.label), (WorkType.TEXT.value, WorkType.TEXT.label)]


class Certificate(models.Model):
    public_id = models.CharField(max_length=32, unique=True)
    brand = models.ForeignKey("registry.Brand", on_delete=models.PROTECT, related_name="certificates")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner_name = models.CharField(max_length=200, help_text="The public display name in the entry")
    title = models.CharField(max_length=200)
    work_type = models.CharField(max_length=16, choices=CERTIFIABLE_TYPES)
    author = models.CharField(max_length=200, blank=True)
    first_published_on = models.DateField(null=True, blank=True)

    storage_name = models.CharField(max_length=64, unique=True, editable=False)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=32)
    size = models.PositiveBigIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    # Exact duplicates: one certificate per byte string, and per normalized text (a re-saved PDF
    # or a re-wrapped .txt of the same words is the same work). The unique constraints are what
    # decides a race the log lock did not see (SQLite has no row locks).
    sha256 = models.CharField(max_length=64, unique=True)
    text_sha256 = models.CharField(max_length=64, null=True, blank=True, unique=True)
    fingerprint_kind = models.CharField(max_length=8, choices=FingerprintKind.choices)
    fingerprint = models.BigIntegerField(help_text="64-bit pHash or SimHash, stored signed")
    # Multi-index hashing (fingerprints.bands): candidates share a band value; near-duplicate
    # search reads these four indexes, never the whole table.
    band0 = models.IntegerField()
    band1 = models.IntegerField()
    band2 = models.IntegerField()
    band3 = models.IntegerField()

    entry = models.TextField(help_text="The log entry exactly as hashed: RFC 8785 canonical JSON")
    leaf_index = models.BigIntegerField(unique=True)
    registered_at = models.DateTimeField()
    right = models.OneToOneField("registry.IPRight", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="certificate")

    class Meta:
        ordering = ["leaf_index"]
        # The fingerprint rides in each band index, so PostgreSQL answers the near-duplicate search
        # from the indexes alone (index-only scans, selectors.near_match), never the wide rows.
        indexes = [models.Index(fields=["fingerprint_kind", f"band{i}", "fingerprint"], name=f"cert_band{i}")
                   for i in range(4)]
        constraints = [models.CheckConstraint(condition=Q(leaf_index__gte=0), name="cert_leaf_index_natural")]

    def __str__(self) -> str:
        return f"{self.public_id} “{self.title}”"

    @property
    def is_image(self) -> bool:
        return self.work_type == WorkType.IMAGE

    @property
    def fingerprint_hex(self) -> str:
        return f"{self.fingerprint & 0xFFFFFFFFFFFFFFFF:016x}"


class LogNode(models.Model):
    """Perfect subtree (level, index) of the log: leaves [index·2^level, (index+1)·2^level)."""

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "index"], name="lognode_position")]

    def __str__(self) -> str:
        return f"node {self.level}/{self.index}"


class LogHead(models.Model):
    """The one row appends lock (select_for_update): leaves get consecutive indexes, one at a time."""

    tree_size = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"log of {self.tree_size} entries"


class LogKey(models.Model):
    """A public key that has signed tree heads; kept for good so old heads stay verifiable."""

    public_key = models.BinaryField(max_length=32, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.public_key_b64

    @property
    def public_key_b64(self) -> str:
        return base64.b64encode(bytes(self.public_key)).decode()


class TreeHead(models.Model):
    """A signed tree head, as issued; never edited."""

    tree_size = models.BigIntegerField(unique=True)
    root_hash = models.BinaryField(max_length=32)
    timestamp = models.BigIntegerField(help_text="Milliseconds since the Unix epoch")
    signature = models.BinaryField(max_length=64)
    key = models.ForeignKey(LogKey, on_delete=models.PROTECT, related_name="tree_heads")

    class Meta:
        ordering = ["tree_size"]

    def __str__(self) -> str:
        return f"tree head of size {self.tree_size}"

    def as_json(self) -> dict:
        return {
            "tree_size": self.tree_size,
            "root_hash": base64.b64encode(bytes(self.root_hash)).decode(),
            "timestamp": self.timestamp,
            "signature": base64.b64encode(bytes(self.signature)).decode(),
        }


class DisputeState(models.TextChoices):
    OPEN = "open", "Open"
    REGISTERED = "registered", "Not a copy: registered"
    REFUSED = "refused", "A copy: the refusal stands"


class CertificateDispute(models.Model):
    """An applicant's dispute of a near-duplicate refusal: a reviewer compares both works side by
    side and either registers the disputed work (the fingerprints matched by chance) or lets the
    refusal stand. The disputed file is kept until then, like a work's."""

    brand = models.ForeignKey("registry.Brand", on_delete=models.PROTECT, related_name="certificate_disputes")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    earlier = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="disputes")
    distance = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    work_type = models.CharField(max_length=16, choices=CERTIFIABLE_TYPES)
    author = models.CharField(max_length=200, blank=True)
    storage_name = models.CharField(max_length=64, unique=True, editable=False)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=32)
    sha256 = models.CharField(max_length=64)
    statement = models.TextField(help_text="Why the work is not a copy of the earlier one")
    state = models.CharField(max_length=16, choices=DisputeState.choices, default=DisputeState.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    certificate = models.OneToOneField(Certificate, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="dispute")

    class Meta:
        ordering = ["opened_at", "id"]

    def __str__(self) -> str:
        return f"dispute {self.pk} of {self.earlier.public_id}"

    @property
    def is_open(self) -> bool:
        return self.state == DisputeState.OPEN

    @property
    def is_image(self) -> bool:
        return self.work_type == WorkType.IMAGE
