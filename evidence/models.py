"""Evidence files: uploaded documents and images, stored under generated names.

A bottom-layer app: it knows nothing of reports or rights. Apps that use evidence link to
EvidenceFile with their own foreign keys (complaints.ReportEvidence, for example).
"""

from django.conf import settings
from django.db import models


class EvidenceType(models.TextChoices):
    """What the content turned out to be (never what the name or the browser claimed)."""

    PDF = "application/pdf", "PDF document"
    PNG = "image/png", "PNG image"
    JPEG = "image/jpeg", "JPEG image"
    WEBP = "image/webp", "WebP image"
    TEXT = "text/plain", "Plain text or CSV"


EXTENSIONS = {
    EvidenceType.PDF: "pdf", EvidenceType.PNG: "png", EvidenceType.JPEG: "jpg",
    EvidenceType.WEBP: "webp", EvidenceType.TEXT: "txt",
}
IMAGE_TYPES = (EvidenceType.PNG, EvidenceType.JPEG, EvidenceType.WEBP)


class EvidenceFile(models.Model):
    """One stored file. The bytes live at MEDIA_ROOT/evidence/<storage_name>; they are never edited."""

    storage_name = models.CharField(max_length=64, unique=True, editable=False,
                                    help_text="Generated name on disk (uuid); never derived from the upload")
    original_name = models.CharField(max_length=255, help_text="The uploader's file name, kept as text only")
    content_type = models.CharField(max_length=32, choices=EvidenceType.choices)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="evidence_files")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gt=0), name="evidence_not_empty"),
            models.CheckConstraint(condition=models.Q(content_type__in=EvidenceType.values),
                                   name="evidence_allowed_type"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_content_type_display()}, {self.size} bytes)"

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES

    @property
    def is_pdf(self) -> bool:
        return self.content_type == EvidenceType.PDF

    @property
    def download_name(self) -> str:
        """The original name, made safe for a header, with the extension of the detected type."""
        stem = self.original_name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
        stem = "".join(c for c in stem if c.isprintable() and c not in '"<>:|?*;').strip(" .")[:100]
        return f"{stem or 'evidence'}.{EXTENSIONS[EvidenceType(self.content_type)]}"
