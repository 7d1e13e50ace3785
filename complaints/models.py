"""Reports (notices from rights holders), the cases they open, and the decisions on them."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from evidence.models import EvidenceFile
from listings.models import Listing
from registry.models import Brand, IPRight, RightKind


class InfringementType(models.TextChoices):
    COUNTERFEIT = "counterfeit", "Counterfeit product"
    MARK_IN_LISTING = "mark_in_listing", "Trademark used in title, images or description"
    MARK_ON_PACKAGING = "mark_on_packaging", "Trademark on the product or packaging"
    OTHER = "other", "Other trademark infringement"


class ReporterCapacity(models.TextChoices):
    OWNER = "owner", "I am the rights owner (or its employee)"
    AGENT = "agent", "I am an agent authorized by the rights owner"


class Report(models.Model):
    """One notice: who reports, for which rights owner and right, on which listings, and why."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="reports")
    right = models.ForeignKey(IPRight, on_delete=models.PROTECT, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(max_length=16, choices=RightKind.choices)
    capacity = models.CharField(max_length=16, choices=ReporterCapacity.choices)
    infringement_type = models.CharField(max_length=32, choices=InfringementType.choices)
    explanation = models.TextField()
    contact_email = models.EmailField()
    decl_good_faith = models.BooleanField()
    decl_accurate = models.BooleanField()
    decl_authority = models.BooleanField()
    signature = models.CharField(max_length=200)
    signed_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decl_good_faith=True, decl_accurate=True, decl_authority=True)
                & ~models.Q(signature=""),
                name="report_declared_and_signed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.brand}"

    @property
    def reference(self) -> str:
        return f"R-{self.pk:07d}" if self.pk else "R-new"


class ReportEvidence(models.Model):
    """An evidence file filed with a report. A file belongs to one report and is kept with it."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="evidence_links")
    file = models.OneToOneField(EvidenceFile, on_delete=models.PROTECT, related_name="report_link")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.report.reference}: {self.file.original_name}"


class ReportDraft(models.Model):
    """A report being written: what was typed, as form data, and the files already uploaded.

    Kept apart from Report so a Report is always a complete, declared and signed notice.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="report_drafts")
    right = models.ForeignKey(IPRight, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict, help_text="The form's fields as typed")
    evidence = models.ManyToManyField(EvidenceFile, blank=True, related_name="report_drafts")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return f"Draft D-{self.pk} · {self.brand}"

    @property
    def reference(self) -> str:
        return f"D-{self.pk}"

    @property
    def listing_count(self) -> int:
        return len([line for line in str(self.data.get("listings", "")).splitlines() if line.strip()])


class CaseState(models.TextChoices):
    OPEN = "open", "Open"
    IN_REVIEW = "in_review", "In review"
    NEEDS_INFO = "needs_info", "Waiting for information"
    ACTIONED = "actioned", "Actioned"
    REJECTED = "rejected", "Rejected"
    APPEALED = "appealed", "Appealed"
    UPHELD = "upheld", "Upheld on appeal"
    REINSTATED = "reinstated", "Reinstated on appeal"
    WITHDRAWN = "withdrawn", "Withdrawn"


# States in which a case is still undecided; one such case per listing and right.
UNDECIDED_STATES = (CaseState.OPEN, CaseState.IN_REVIEW, CaseState.NEEDS_INFO)


class CaseSource(models.TextChoices):
    REPORT = "report", "Report"
    AUTOMATIC = "automatic", "Automatic detection"
    TRUSTED_FLAGGER = "trusted_flagger", "Trusted flagger"


class Priority(models.IntegerChoices):
    """Review lanes; lower goes first. Each has its own SLA (settings.REVIEW_SLA_HOURS)."""

    TRUSTED = 0, "Trusted / good faith"
    VERIFIED = 1, "Verified right"
    OTHER = 2, "Other"


class Case(models.Model):
    """One listing of one report: the unit that is queued, decided, enforced and appealed."""

    # Null only for cases the portal opened itself (source automatic): no person filed a notice,
    # so there is no declaration or signature to show; `detection` says what fired instead.
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="cases")
    right = models.ForeignKey(IPRight, on_delete=models.PROTECT, related_name="cases")
    state = models.CharField(max_length=16, choices=CaseState.choices, default=CaseState.OPEN)
    # Lower goes first: 0 trusted flagger, 1 verified right, 2 unverified right.
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.OTHER)
    source = models.CharField(max_length=16, choices=CaseSource.choices, default=CaseSource.REPORT)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="claimed_cases")
    claim_expires_at = models.DateTimeField(null=True, blank=True)
    listing_snapshot = models.JSONField(help_text="The listing as it was when reported")
    created_at = models.DateTimeField(auto_now_add=True)
    # When the SLA of the case's lane runs out; set once at creation (complaints.sla.case_due_at).
    due_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    # Automatic cases: the rule that fired, the matched text and where (monitoring.matcher.Hit).
    detection = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "right"], condition=models.Q(state__in=UNDECIDED_STATES),
                name="one_undecided_case_per_listing_and_right",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=CaseState.IN_REVIEW) | models.Q(claimed_by__isnull=False),
                name="case_in_review_is_claimed",
            ),
            models.CheckConstraint(
                condition=models.Q(report__isnull=False) | models.Q(source=CaseSource.AUTOMATIC),
                name="case_without_report_is_automatic",
            ),
        ]
        indexes = [
            # The review queue and claim-next: by lane, then age. Within a lane due_at is created_at
            # plus a constant, so this one index also serves "overdue first" (due_at < now is a
            # prefix of each lane) without a sort.
            models.Index(fields=["state", "priority", "due_at", "id"], name="case_queue_idx"),
            # Queue sorts "oldest"/"newest" and the age-bucket filter.
            models.Index(fields=["state", "created_at", "id"], name="case_state_age_idx"),
            # Queue sort "due soonest", the overdue count on the health page.
            models.Index(fields=["state", "due_at", "id"], name="case_state_due_idx"),
            # Queue filtered by brand or IP type (both become right ids) and by source: ordered
            # scans of just those cases instead of filtering the whole lane.
            models.Index(fields=["right", "state", "priority", "due_at"], name="case_right_queue_idx"),
            models.Index(fields=["state", "source", "priority", "due_at"], name="case_source_queue_idx"),
            # The expired-claims sweep and claim-next's lapsed claims.
            models.Index(fields=["state", "claim_expires_at"], name="case_claim_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"Case C-{self.pk} · {self.listing.external_id}"

    @property
    def reference(self) -> str:
        return f"C-{self.pk}"

    @property
    def is_overdue(self) -> bool:
        return self.state in (CaseState.OPEN, CaseState.IN_REVIEW) and self.due_at <= timezone.now()


class Outcome(models.TextChoices):
    REMOVE = "remove", "Remove listing"
    REJECT = "reject", "Reject report"
    REINSTATE = "reinstate", "Grant appeal: reinstate"
    UPHOLD = "uphold", "Deny appeal: uphold"
    SUPPRESS = "suppress", "Suppress listing (automated, pending review)"


class Decision(models.Model):
    """An immutable, reasoned decision on a case. A later decision supersedes, never edits."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reason_code = models.CharField(max_length=48)
    statement = models.TextField(help_text="Statement of reasons, as sent to the seller and the reporter")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="decisions")
    automated = models.BooleanField(default=False)
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="superseded_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Decision #{self.pk} on {self.case.reference}: {self.get_outcome_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Decisions are immutable; record a new one that supersedes.")
        super().save(*args, **kwargs)
