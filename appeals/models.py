"""Appeals of decisions, decided by a senior reviewer, and the other side's responses. The tables
keep the names they were created with in `enforcement`."""

from django.conf import settings
from django.db import models

from complaints.models import Case, Decision, Party


class AppealStatus(models.TextChoices):
    OPEN = "open", "Open"
    GRANTED = "granted", "Granted"
    DENIED = "denied", "Denied"


class Appeal(models.Model):
    """An appeal of one decision (one appeal per decision), decided by a senior reviewer: by the
    seller against a restriction, or by the rights holder against the rejection of their report."""

    # Its history in the audit log is filed under the label it had when written (hashed into
    # each entry), from before the model left `enforcement`.
    audit_label = "enforcement.appeal"

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="appeal")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="appeals")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appeals")
    party = models.CharField(max_length=16, choices=Party.choices, default=Party.SELLER)
    statement = models.TextField()
    status = models.CharField(max_length=16, choices=AppealStatus.choices, default=AppealStatus.OPEN)
    outcome_decision = models.OneToOneField(Decision, null=True, blank=True, on_delete=models.PROTECT,
                                            related_name="deciding_appeal")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "enforcement_appeal"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Appeal #{self.pk} on {self.case.reference} ({self.status})"

    @property
    def by_reporter(self) -> bool:
        """Filed by the rights holder against the rejection of their report (else by the seller)."""
        return self.party == Party.REPORTER

    @property
    def is_open(self) -> bool:
        return self.status == AppealStatus.OPEN

    @property
    def is_granted(self) -> bool:
        return self.status == AppealStatus.GRANTED

    @property
    def other_party(self) -> str:
        return Party.REPORTER if self.party == Party.SELLER else Party.SELLER


class AppealResponse(models.Model):
    """The other side's answer to an open appeal (the rights holder to a seller's, or the seller
    to a rights holder's), read by the senior reviewer before ruling."""

    # Its history in the audit log is filed under the label it had when written (hashed into
    # each entry), from before the model left `enforcement`.
    audit_label = "enforcement.appealresponse"

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="responses")
    party = models.CharField(max_length=16, choices=Party.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    statement = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "enforcement_appealresponse"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Response #{self.pk} to appeal #{self.appeal_id}"


class AppealEvidence(models.Model):
    """A file filed with an appeal (response null) or with a response to it. One owner per file."""

    # Its history in the audit log is filed under the label it had when written (hashed into
    # each entry), from before the model left `enforcement`.
    audit_label = "enforcement.appealevidence"

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="evidence_links")
    response = models.ForeignKey(AppealResponse, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="evidence_links")
    file = models.OneToOneField("evidence.EvidenceFile", on_delete=models.PROTECT, related_name="appeal_link")

    class Meta:
        db_table = "enforcement_appealevidence"
        ordering = ["id"]
        verbose_name_plural = "appeal evidence"

    def __str__(self) -> str:
        return f"Appeal #{self.appeal_id}: {self.file.original_name}"
