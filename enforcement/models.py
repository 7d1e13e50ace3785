"""Enforcement actions (the rows that become marketplace changes) and appeals."""

from django.conf import settings
from django.db import models

from complaints.models import Case, Decision
from listings.models import Listing


class ActionKind(models.TextChoices):
    REMOVE = "remove", "Remove listing"
    REINSTATE = "reinstate", "Reinstate listing"
    SUPPRESS = "suppress", "Suppress listing"


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


# --- Marketplace webhooks -------------------------------------------------------------------
# An outbox: the event and one delivery row per subscribed endpoint are written in the same
# transaction that marks the action applied (enforcement.webhooks.services.webhook_event_emit),
# so an enforcement is never applied without its event, nor told twice.


class WebhookEventType(models.TextChoices):
    LISTING_REMOVED = "listing.removed", "Listing removed"
    LISTING_REINSTATED = "listing.reinstated", "Listing reinstated"
    LISTING_SUPPRESSED = "listing.suppressed", "Listing suppressed"


class EndpointStatus(models.TextChoices):
    ENABLED = "enabled", "Enabled"
    DISABLED = "disabled", "Disabled"


class WebhookEndpoint(models.Model):
    """A URL the marketplace registered to receive enforcement events, with its signing secret.

    During a rotation the previous secret keeps signing (a second signature) until
    `previous_secret_expires_at`, so the receiver can switch without dropping events."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="webhook_endpoints")
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list, help_text="WebhookEventType values this endpoint receives")
    # Standard Webhooks format: "whsec_" + base64 of 32 random bytes. Stored as is: signing needs it.
    secret = models.CharField(max_length=100)
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=EndpointStatus.choices, default=EndpointStatus.ENABLED)
    disabled_reason = models.CharField(max_length=300, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Endpoint #{self.pk} {self.url} ({self.status})"


class WebhookEvent(models.Model):
    """One enforcement told to the marketplace. One per action (the OneToOne is the guarantee)."""

    event_id = models.CharField(max_length=40, unique=True, help_text="Sent as webhook-id; stable across retries")
    type = models.CharField(max_length=40, choices=WebhookEventType.choices)
    action = models.OneToOneField(EnforcementAction, on_delete=models.PROTECT, related_name="webhook_event")
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One event to one endpoint. Attempts are fields on this row (see services for why);
    `next_attempt_at` is when the beat sweep may pick it; `lease_token` fences stale messages."""

    event = models.ForeignKey(WebhookEvent, on_delete=models.PROTECT, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.PROTECT, related_name="deliveries")
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_token = models.PositiveIntegerField(default=0)
    # Retries stop 3 days after this: creation, or the last manual redelivery.
    window_started_at = models.DateTimeField()
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [models.UniqueConstraint(fields=["event", "endpoint"], name="one_delivery_per_event_endpoint")]
        # The beat sweep's query: pending rows whose next attempt is due.
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")]

    def __str__(self) -> str:
        return f"Delivery #{self.pk} {self.event.type} → endpoint #{self.endpoint_id} ({self.status})"
