"""Enforcement actions (the rows that become marketplace changes) and appeals."""

from django.conf import settings
from django.db import models

from complaints.models import Case, Decision
from listings.models import Listing


class ActionKind(models.TextChoices):
    REMOVE = "remove", "Remove listing"
    REINSTATE = "reinstate", "Reinstate listing"


class ActionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPLIED = "applied", "Applied"
    FAILED = "failed", "Failed"


class EnforcementAction(models.Model):
    """A takedown or reinstatement. The row, not the broker message, is the truth: it is created
    in the decision's transaction, and a worker applies it under the row's lock exactly once."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="actions")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="actions")
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(max_length=16, choices=ActionKind.choices)
    status = models.CharField(max_length=16, choices=ActionStatus.choices, default=ActionStatus.PENDING)
    idempotency_key = models.CharField(max_length=100, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "updated_at"], name="action_sweep_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.listing.external_id} ({self.status})"


class AppealStatus(models.TextChoices):
    OPEN = "open", "Open"
    GRANTED = "granted", "Granted"
    DENIED = "denied", "Denied"


class Appeal(models.Model):
    """A seller's appeal of one decision (one appeal per decision), decided by a senior reviewer."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="appeal")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="appeals")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appeals")
    statement = models.TextField()
    status = models.CharField(max_length=16, choices=AppealStatus.choices, default=AppealStatus.OPEN)
    outcome_decision = models.OneToOneField(Decision, null=True, blank=True, on_delete=models.PROTECT,
                                            related_name="deciding_appeal")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Appeal #{self.pk} on {self.case.reference} ({self.status})"
