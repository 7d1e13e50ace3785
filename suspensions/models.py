"""Strikes against sellers and seller suspensions. The tables keep the names they were created
with in `enforcement`."""

from django.conf import settings
from django.db import models

from actions.models import BulkJob
from complaints.models import Case, Decision
from imagery.models import SignalKind
from listings.models import Seller


# A strike's event: what one strike stands for. A report-wide decision ("apply to all cases of this
# report") is one event per seller whichever transaction decides each case (the reviewer's request,
# the walk's chunks, a second reviewer applying it to the same report); any other decision (a
# single case, an automatic case a reviewer confirms, a rights holder's appeal granted) is its own.
def strike_event_for_report(report_id: int) -> str:
    return f"report:{report_id}"


def strike_event_for_decision(decision_id: int) -> str:
    return f"decision:{decision_id}"


class Strike(models.Model):
    """One decision event against a seller: the removal decisions it covers (StrikeDecision), one
    or many listings (a report decided for all its listings at once is one strike). Given with the
    first of them, it counts until `expires_at`; it is removed once every decision it covers has
    been reversed (appeal, counter-notice, withdrawal). One per (seller, event)."""

    # Its history in the audit log is filed under the label it had when written (hashed into
    # each entry), from before the model left `enforcement`.
    audit_label = "enforcement.strike"

    seller = models.ForeignKey(Seller, on_delete=models.PROTECT,
                               related_name="strikes")
    # strike_event_for_report / strike_event_for_decision; unique per seller.
    event_key = models.CharField(max_length=64)
    decisions = models.ManyToManyField(Decision, through="StrikeDecision", related_name="strikes")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = "enforcement_strike"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["seller", "expires_at"], name="strike_active_idx")]
        constraints = [
            # Race: two decisions of one event given at once (strike_give) insert one row.
            models.UniqueConstraint(fields=["seller", "event_key"], name="one_strike_per_seller_event"),
        ]

    def __str__(self) -> str:
        return f"Strike #{self.pk} on {self.seller} ({self.event_key})"

    @property
    def is_report_event(self) -> bool:
        """Given for a report decided for all its listings at once."""
        return self.event_key.startswith("report:")


class StrikeDecision(models.Model):
    """One removal decision a strike covers. Reversed (appeal granted, counter-notice
    reinstatement, withdrawal) it stays, marked, so the strike shows what it still stands on."""

    strike = models.ForeignKey(Strike, on_delete=models.PROTECT, related_name="links")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="strike_link")
    added_at = models.DateTimeField()
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["strike_id", "decision_id"]

    def __str__(self) -> str:
        return f"Strike #{self.strike_id} covers decision #{self.decision_id}"

    @property
    def is_reversed(self) -> bool:
        return self.reversed_at is not None


class SuspensionStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved: seller suspended"
    REJECTED = "rejected", "Rejected"
    LIFTED = "lifted", "Lifted"


class Suspension(models.Model):
    """A seller suspension, from its proposal to its end. Proposed by the system (a repeat
    infringer reached the strike threshold) or by a reviewer working one of the seller's cases
    (with a reason); a senior reviewer other than the proposer approves (the seller is suspended)
    or rejects; an approved suspension can be lifted. At most one open (proposed or approved) per
    seller."""

    # Its history in the audit log is filed under the label it had when written (hashed into
    # each entry), from before the model left `enforcement`.
    audit_label = "enforcement.suspensionproposal"

    seller = models.ForeignKey(Seller, on_delete=models.PROTECT,
                               related_name="suspensions")
    status = models.CharField(max_length=16, choices=SuspensionStatus.choices, default=SuspensionStatus.PROPOSED)
    strikes = models.ManyToManyField(Strike, related_name="suspensions",
                                     db_table="enforcement_suspensionproposal_strikes")
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
    # The seller's appeal against an approved suspension (one per suspension), ruled by a senior who
    # took no part: neither proposed nor approved it, nor decided any of its strikes.
    appeal_statement = models.TextField(blank=True)
    appeal_filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    appeal_filed_at = models.DateTimeField(null=True, blank=True)
    appeal_granted = models.BooleanField(null=True, blank=True)
    appeal_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    appeal_decided_at = models.DateTimeField(null=True, blank=True)
    appeal_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "enforcement_suspensionproposal"
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

    @property
    def is_proposed(self) -> bool:
        return self.status == SuspensionStatus.PROPOSED

    @property
    def is_approved(self) -> bool:
        return self.status == SuspensionStatus.APPROVED

    @property
    def appeal_is_open(self) -> bool:
        """The seller appealed the suspension and no senior has ruled yet."""
        return self.appeal_filed_at is not None and self.appeal_decided_at is None

    @property
    def may_be_appealed(self) -> bool:
        """In force and not yet appealed (one appeal per suspension)."""
        return self.is_approved and self.appeal_filed_at is None


class SuspensionAppealEvidence(models.Model):
    """A file the seller filed with its appeal against a suspension (as appeals.AppealEvidence is
    for an appeal of a case). One owner per file; read by the seller and by reviewers only."""

    suspension = models.ForeignKey(Suspension, on_delete=models.PROTECT, related_name="appeal_evidence_links")
    file = models.OneToOneField("evidence.EvidenceFile", on_delete=models.PROTECT,
                                related_name="suspension_appeal_link")

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "suspension appeal evidence"

    def __str__(self) -> str:
        return f"Suspension #{self.suspension_id} appeal: {self.file.original_name}"


class LinkedFlagStatus(models.TextChoices):
    OPEN = "open", "Open: to review"
    CLEARED = "cleared", "Cleared by a reviewer"
    ESCALATED = "escalated", "Escalated: suspension proposed"
    WITHDRAWN = "withdrawn", "Withdrawn: the suspension was lifted"


class LinkedAccountFlag(models.Model):
    """A seller linked (by a signal the marketplace sent: imagery.SellerSignal) to a seller whose
    suspension was approved, waiting for a reviewer: cleared with a reason, or escalated (a
    suspension of the linked seller proposed). Raised once per (linked seller, suspension) when the
    suspension is approved; withdrawn if the suspension is lifted while it is still open."""

    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="linked_flags",
                               help_text="The linked seller under review")
    suspended_seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="+")
    suspension = models.ForeignKey(Suspension, on_delete=models.PROTECT, related_name="linked_flags")
    # The imagery.SignalKind values the two sellers shared when the flag was raised (why linked).
    signal_kinds = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=LinkedFlagStatus.choices, default=LinkedFlagStatus.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(max_length=4000, blank=True)
    # Escalated: the suspension of the linked seller it led to (proposed then, or already open).
    escalated_to = models.ForeignKey(Suspension, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"], name="linked_flag_queue")]
        constraints = [
            # Raised once per suspension and linked seller whatever became of it: a re-run of the
            # hook never raises a flag a reviewer already cleared (so at most one open, too).
            models.UniqueConstraint(fields=["seller", "suspension"], name="one_linked_flag_per_seller_suspension"),
            models.CheckConstraint(condition=~models.Q(seller=models.F("suspended_seller")),
                                   name="linked_flag_not_on_the_suspended_seller"),
            models.CheckConstraint(condition=~models.Q(status="escalated") | models.Q(escalated_to__isnull=False),
                                   name="escalated_linked_flag_names_its_suspension"),
        ]

    def __str__(self) -> str:
        return f"Linked-account flag #{self.pk} on seller {self.seller_id} (suspension #{self.suspension_id})"

    @property
    def is_open(self) -> bool:
        return self.status == LinkedFlagStatus.OPEN

    @property
    def signal_labels(self) -> list[str]:
        """Why linked, as people read it."""
        return [SignalKind(kind).label if kind in SignalKind.values else kind for kind in self.signal_kinds]
