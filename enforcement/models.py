"""Enforcement actions (the rows that become marketplace changes) and appeals."""

from django.conf import settings
from django.db import models

from complaints.models import Case, Decision, Report
from listings.models import Listing, Seller


class ActionKind(models.TextChoices):
    REMOVE = "remove", "Remove listing"
    SUPPRESS = "suppress", "Suppress listing"
    REINSTATE = "reinstate", "Reinstate listing"
    # A seller suspension suppresses each of the seller's active listings with SUPPRESS actions (one
    # per listing, applied in chunks); lifting it restores those the suspension suppressed.
    UNSUPPRESS = "unsuppress", "Restore listing (suspension lifted)"


class ActionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPLIED = "applied", "Applied"
    FAILED = "failed", "Failed"


class EnforcementAction(models.Model):
    """A takedown or reinstatement. The row, not the broker message, is the truth: it is created
    in the decision's transaction, and a worker applies it under the row's lock exactly once."""

    # A takedown or reinstatement comes from a decision on a case; a suspension's per-listing
    # actions come from the suspension (enforcement.strikes) and carry no decision or case.
    # Not indexed: actions are looked up by case, listing or job; a decision is never deleted.
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="actions",
                                 db_index=False)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="actions")
    bulk_job = models.ForeignKey("BulkJob", null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(max_length=16, choices=ActionKind.choices)
    status = models.CharField(max_length=16, choices=ActionStatus.choices, default=ActionStatus.PENDING)
    idempotency_key = models.CharField(max_length=100)  # unique: Meta.constraints
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        # Every index here is written again when a takedown is applied (the status change is
        # never a HOT update), so there are few: the one on what is not applied holds only the
        # rows the sweep, the failures list and a job's progress read (status, job, age), and the
        # unique key is a constraint, which spares the pattern-ops copy Django adds for
        # unique=True on PostgreSQL (no query here uses LIKE).
        indexes = [models.Index(fields=["status", "bulk_job", "updated_at"], name="action_unapplied_idx",
                                condition=~models.Q(status=ActionStatus.APPLIED))]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="action_idempotency_key_unique"),
            models.CheckConstraint(
                condition=models.Q(decision__isnull=False, case__isnull=False) | models.Q(bulk_job__isnull=False),
                name="action_has_decision_or_job",
            )
        ]

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
    LISTING_RESTORED = "listing.restored", "Listing restored (suspension lifted)"


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

    event_id = models.CharField(max_length=40, help_text="Sent as webhook-id; stable across retries")
    type = models.CharField(max_length=40, choices=WebhookEventType.choices)
    action = models.OneToOneField(EnforcementAction, on_delete=models.PROTECT, related_name="webhook_event")
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
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


# --- Bulk enforcement -----------------------------------------------------------------------


class BulkJobKind(models.TextChoices):
    TAKEDOWNS = "takedowns", "Takedowns"
    SUSPEND = "suspend", "Seller suspension"
    LIFT = "lift", "Suspension lifted"
    # One reviewer's decision applied to the other undecided cases of a report: the job decides
    # the cases in chunks (enforcement.bulk_decide) and applies the actions they create.
    REPORT_DECISION = "report_decision", "Decision on a whole report"


class BulkJobStatus(models.TextChoices):
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"


class BulkJob(models.Model):
    """Many enforcement actions applied in chunks. The counters are recomputed from the actions
    after each chunk (not incremented), so a chunk that runs twice cannot count twice.

    A report decision job (REPORT_DECISION) first has cases to decide: what the reviewer decided
    (report, their own case, reason, facts, statement as edited) and how far the walk over the
    report's cases got (`cases_cursor`, the counters, written in each chunk's transaction with its
    decisions, so a re-run resumes after the last committed chunk). Its actions are created chunk
    by chunk, so it finishes only once the walk has ended (`cases_done_at`) and none is pending."""

    kind = models.CharField(max_length=16, choices=BulkJobKind.choices)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=BulkJobStatus.choices, default=BulkJobStatus.RUNNING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    chunk_size = models.PositiveIntegerField(default=500)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # --- report decision jobs only
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source_case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    help_text="The case the reviewer decided; its statement is the others' model")
    reason_code = models.CharField(max_length=40, blank=True)
    facts = models.TextField(blank=True)
    # An edited statement is never empty (decision_record refuses it), so empty means none was sent.
    statement = models.TextField(blank=True, help_text="As the reviewer edited it; empty: composed per case")
    cases_total = models.PositiveIntegerField(default=0, help_text="Other undecided cases when the job started")
    cases_decided = models.PositiveIntegerField(default=0)
    cases_skipped = models.PositiveIntegerField(default=0, help_text="Held by another reviewer or decided meanwhile")
    # Of the skipped, those another reviewer held when the walk reached them (the rest were no longer
    # open: decided, waiting for information or withdrawn). The reporter's summary tells them apart.
    cases_held = models.PositiveIntegerField(default=0, help_text="Skipped: held by another reviewer")
    cases_cursor = models.PositiveBigIntegerField(default=0, help_text="The last case id walked")
    cases_done_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="Why the walk stopped before the end")

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="report_decision")
                | models.Q(report__isnull=False, source_case__isnull=False, created_by__isnull=False)
                & ~models.Q(reason_code="") & ~models.Q(facts=""),
                name="report_decision_job_says_what_to_apply",
            ),
        ]

    def __str__(self) -> str:
        return f"Bulk job #{self.pk} {self.title} ({self.done}/{self.total})"

    @property
    def deciding(self) -> bool:
        """Still walking a report's cases: more actions may come."""
        return self.kind == BulkJobKind.REPORT_DECISION and self.cases_done_at is None

    @property
    def cases_walked(self) -> int:
        return self.cases_decided + self.cases_skipped

    @property
    def cases_percent(self) -> int:
        return min(100, int(100 * self.cases_walked / self.cases_total)) if self.cases_total else 100

    @property
    def percent(self) -> int:
        if self.kind == BulkJobKind.REPORT_DECISION and self.cases_total:
            # Two steps per case: decided or skipped, then its action applied (or none to apply:
            # skipped, or rejected with nothing to reverse). Each case makes at most one action.
            steps = 2 * self.cases_walked - self.total + self.done + self.failed
            return max(0, min(100, int(100 * steps / (2 * self.cases_total))))
        return int(100 * (self.done + self.failed) / self.total) if self.total else 100


# --- Strikes and suspensions ----------------------------------------------------------------


class Strike(models.Model):
    """One upheld takedown against a seller. Given with the removal decision, it counts until
    `expires_at`; a decision overturned on appeal (or otherwise reversed) removes it."""

    seller = models.ForeignKey(Seller, on_delete=models.PROTECT,
                               related_name="strikes")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="strike")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["seller", "expires_at"], name="strike_active_idx")]

    def __str__(self) -> str:
        return f"Strike #{self.pk} on {self.seller} (decision #{self.decision_id})"


class SuspensionStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved: seller suspended"
    REJECTED = "rejected", "Rejected"
    LIFTED = "lifted", "Lifted"


class SuspensionProposal(models.Model):
    """A proposal to suspend a seller, made by the system (a repeat infringer reached the strike
    threshold) or by a reviewer working one of the seller's cases (with a reason); a senior
    reviewer other than the proposer approves or rejects. At most one open (proposed or approved)
    per seller."""

    seller = models.ForeignKey(Seller, on_delete=models.PROTECT,
                               related_name="suspensions")
    status = models.CharField(max_length=16, choices=SuspensionStatus.choices, default=SuspensionStatus.PROPOSED)
    strikes = models.ManyToManyField(Strike, related_name="proposals")
    # Empty: the system proposed at the strike threshold. Set: the reviewer who proposed, from
    # which case, and why (the senior reads it; the seller never does).
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    proposed_from = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    proposal_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    suspend_job = models.OneToOneField(BulkJob, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    lift_reason = models.TextField(blank=True)
    lift_job = models.OneToOneField(BulkJob, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["seller"], condition=models.Q(status__in=["proposed", "approved"]),
                name="one_open_suspension_per_seller",
            ),
            models.CheckConstraint(condition=models.Q(proposed_by__isnull=True) | ~models.Q(proposal_reason=""),
                                   name="reviewer_suspension_proposal_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Suspension #{self.pk} of {self.seller} ({self.status})"


class Notification(models.Model):
    """The e-mails of one step, as a row written in the step's transaction (an outbox): the task
    sends them and sets `sent_at`; a re-delivered message finds it set and sends nothing; the
    beat sweep re-queues rows left unsent (a lost message), so a statement of reasons is never
    silently dropped."""

    kind = models.CharField(max_length=32)
    object_id = models.BigIntegerField()
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="one_notification_per_step")]
        indexes = [models.Index(fields=["sent_at", "created_at"], name="notification_unsent_idx")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} ({'sent' if self.sent_at else 'pending'})"
