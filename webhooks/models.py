"""Marketplace webhooks: endpoints, the event outbox and one delivery row per event and endpoint.
The tables keep the names they were created with in `enforcement`.

An outbox: the event and its deliveries are written in the same transaction that marks the action
applied (actions.services calls webhooks.services.webhook_events_emit_many), so an enforcement is
never applied without its event, nor told twice."""

from django.conf import settings
from django.db import models

from .client import validate_receiver_url


class WebhookEventType(models.TextChoices):
    LISTING_REMOVED = "listing.removed", "Listing removed"
    LISTING_REINSTATED = "listing.reinstated", "Listing reinstated"
    LISTING_SUPPRESSED = "listing.suppressed", "Listing suppressed"
    LISTING_RESTORED = "listing.restored", "Listing restored (suspension lifted)"
    SELLER_SUSPENDED = "seller.suspended", "Seller suspended"
    SELLER_REINSTATED = "seller.reinstated", "Seller reinstated (suspension lifted)"


class EndpointStatus(models.TextChoices):
    ENABLED = "enabled", "Enabled"
    DISABLED = "disabled", "Disabled"


class WebhookEndpoint(models.Model):
    """A URL the marketplace registered to receive enforcement events, with its signing secret.

    During a rotation the previous secret keeps signing (a second signature) until
    `previous_secret_expires_at`, so the receiver can switch without dropping events."""

    # Its history in the audit log is filed under the label it had when written (hashed into
    # each entry), from before the model left `enforcement`.
    audit_label = "enforcement.webhookendpoint"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="webhook_endpoints")
    url = models.URLField(max_length=500, validators=[validate_receiver_url])
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
        db_table = "enforcement_webhookendpoint"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Endpoint #{self.pk} {self.url} ({self.status})"

    @property
    def is_enabled(self) -> bool:
        return self.status == EndpointStatus.ENABLED

    @property
    def is_disabled(self) -> bool:
        return self.status == EndpointStatus.DISABLED


class WebhookEvent(models.Model):
    """One change told to the marketplace: a listing's status changed by an action (one event per
    action at most: the OneToOne is the guarantee), or a seller suspended or reinstated (no action;
    `seller_events_unique` below: one event per suspension and change)."""

    # Its history in the audit log is filed under the label it had when written (hashed into
    # each entry), from before the model left `enforcement`.
    audit_label = "enforcement.webhookevent"

    event_id = models.CharField(max_length=40, help_text="Sent as webhook-id; stable across retries")
    type = models.CharField(max_length=40, choices=WebhookEventType.choices)
    action = models.OneToOneField("actions.EnforcementAction", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="webhook_event")
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "enforcement_webhookevent"
        ordering = ["id"]

        # A constraint rather than unique=True: no pattern-ops index (nothing looks events up by LIKE).
        constraints = [models.UniqueConstraint(fields=["event_id"], name="webhookevent_event_id_unique")]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One event to one endpoint. Attempts are fields on this row (see services for why);
    `next_attempt_at` is when the beat sweep may pick it; `lease_token` fences stale messages."""

    # Its history in the audit log is filed under the label it had when written (hashed into
    # each entry), from before the model left `enforcement`.
    audit_label = "enforcement.webhookdelivery"

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
    # Short and sanitized (common.outbound): the status line or what went wrong, never the body
    # of the answer (it would let whoever registers the URL read what answers there).
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "enforcement_webhookdelivery"
        ordering = ["-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [models.UniqueConstraint(fields=["event", "endpoint"], name="one_delivery_per_event_endpoint")]
        # The beat sweep's query: pending rows whose next attempt is due.
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")]

    def __str__(self) -> str:
        return f"Delivery #{self.pk} {self.event.type} → endpoint #{self.endpoint_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == DeliveryStatus.PENDING
