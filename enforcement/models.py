"""Enforcement actions (the rows that become marketplace changes) and appeals."""

from django.conf import settings
from django.db import models

from complaints.models import Case, Decision
from listings.models import Listing


class ActionKind(models.TextChoices):
    REMOVE = "remove", "Remove listing"
    SUPPRESS = "suppress", "Suppress listing"
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


class AppealParty(models.TextChoices):
    SELLER = "seller", "Seller"
    REPORTER = "reporter", "Rights holder"


class Appeal(models.Model):
    """An appeal of one decision (one appeal per decision), decided by a senior reviewer: by the
    seller against a restriction, or by the rights holder against the rejection of their report."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="appeal")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="appeals")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appeals")
    party = models.CharField(max_length=16, choices=AppealParty.choices, default=AppealParty.SELLER)
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

    @property
    def other_party(self) -> str:
        return AppealParty.REPORTER if self.party == AppealParty.SELLER else AppealParty.SELLER


class AppealResponse(models.Model):
    """The other side's answer to an open appeal (the rights holder to a seller's, or the seller
    to a rights holder's), read by the senior reviewer before ruling."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="responses")
    party = models.CharField(max_length=16, choices=AppealParty.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    statement = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Response #{self.pk} to appeal #{self.appeal_id}"


class AppealEvidence(models.Model):
    """A file filed with an appeal (response null) or with a response to it. One owner per file."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="evidence_links")
    response = models.ForeignKey(AppealResponse, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="evidence_links")
    file = models.OneToOneField("evidence.EvidenceFile", on_delete=models.PROTECT, related_name="appeal_link")

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "appeal evidence"

    def __str__(self) -> str:
        return f"Appeal #{self.appeal_id}: {self.file.original_name}"


class CounterNoticeStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for the rights holder"
    COURT_ACTION = "court_action", "Court action shown: listing stays down"
    REINSTATED = "reinstated", "Listing reinstated"


class CounterNotice(models.Model):
    """A seller's counter-notice against a removal, with the statutory statements (17 U.S.C.
    §512(g)(3)), offered for every IP type. The dates are computed once, at filing, on the
    business-day calendar, so both sides see the same deadline whatever happens later."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="counter_notices")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="counter_notice")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    material = models.TextField(help_text="The material removed and where it appeared")
    location = models.CharField(max_length=500, help_text="Where it was: the listing's address")
    perjury_statement = models.BooleanField(help_text="Good-faith belief, under penalty of perjury, "
                                                      "that it was removed by mistake or misidentification")
    full_name = models.CharField(max_length=200)
    address = models.TextField()
    phone = models.CharField(max_length=40)
    email = models.EmailField(blank=True)
    consent_jurisdiction = models.BooleanField()
    consent_service = models.BooleanField()
    signature = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=CounterNoticeStatus.choices,
                              default=CounterNoticeStatus.WAITING)
    court_action_due = models.DateField(help_text="Last business day for the rights holder to show a court action")
    reinstate_on = models.DateField(help_text="Business day the listing is restored without a court action")
    court_action_note = models.TextField(blank=True)
    court_action_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    court_action_at = models.DateTimeField(null=True, blank=True)
    reinstatement = models.OneToOneField(Decision, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="reinstated_counter_notice")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(perjury_statement=True, consent_jurisdiction=True, consent_service=True)
                & ~models.Q(full_name="") & ~models.Q(address="") & ~models.Q(phone="")
                & ~models.Q(signature="") & ~models.Q(material=""),
                name="counter_notice_complete",
            ),
        ]
        # The beat task's query: waiting counter-notices whose day has come.
        indexes = [models.Index(fields=["status", "reinstate_on"], name="counter_notice_due_idx")]

    def __str__(self) -> str:
        return f"Counter-notice #{self.pk} on {self.case.reference} ({self.status})"


class CounterNoticeEvidence(models.Model):
    """A file with a counter-notice: the seller's documents, or the rights holder's court filing."""

    counter_notice = models.ForeignKey(CounterNotice, on_delete=models.PROTECT, related_name="evidence_links")
    party = models.CharField(max_length=16, choices=AppealParty.choices)
    file = models.OneToOneField("evidence.EvidenceFile", on_delete=models.PROTECT,
                                related_name="counter_notice_link")

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "counter-notice evidence"

    def __str__(self) -> str:
        return f"Counter-notice #{self.counter_notice_id}: {self.file.original_name}"


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
