"""Strikes against sellers and seller suspensions. The tables keep the names they were created
with in `enforcement`."""

from django.conf import settings
from django.db import models

from actions.models import BulkJob
from complaints.models import Case, Decision
from listings.models import Seller


class Strike(models.Model):
    """One upheld takedown against a seller. Given with the removal decision, it counts until
    `expires_at`; a decision overturned on appeal (or otherwise reversed) removes it."""

    # Its history in the audit log is filed under the label it had when written (hashed into
    # each entry), from before the model left `enforcement`.
    audit_label = "enforcement.strike"

    seller = models.ForeignKey(Seller, on_delete=models.PROTECT,
                               related_name="strikes")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="strike")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = "enforcement_strike"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["seller", "expires_at"], name="strike_active_idx")]

    def __str__(self) -> str:
        return f"Strike #{self.pk} on {self.seller} (decision #{self.decision_id})"


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
