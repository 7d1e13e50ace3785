"""Reports (notices from rights holders), the cases they open, and the decisions on them."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from evidence.models import EvidenceFile
from listings.models import Listing
from registry.models import Brand, IPRight, RightKind, RuleMode


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
    # Trademark reports only (blank for the other kinds; see the check constraint).
    infringement_type = models.CharField(max_length=32, choices=InfringementType.choices, blank=True)
    # What the kind asks for beyond the common part, validated by complaints.kinds (one spec per
    # kind, shared by the forms and the API): trademark where_on_listing/test_buy_orders, patent
    # claims/claim_reading, design copied_features, copyright original_work/original_location/
    # certificate_evidence/copied_material.
    details = models.JSONField(default=dict, blank=True)
    explanation = models.TextField()
    contact_email = models.EmailField()
    decl_good_faith = models.BooleanField()
    decl_accurate = models.BooleanField()
    decl_authority = models.BooleanField()
    signature = models.CharField(max_length=200)
    signed_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the reporter withdraws the report (reporters/services.py report_withdraw).
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Cases of other reports this report's listings joined (an undecided case for the same
    # listing and right already existed): the report page shows them beside its own cases.
    linked_cases = models.ManyToManyField("Case", through="ReportCaseLink", related_name="linked_reports")

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decl_good_faith=True, decl_accurate=True, decl_authority=True)
                & ~models.Q(signature=""),
                name="report_declared_and_signed",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="trademark") | ~models.Q(infringement_type=""),
                name="trademark_report_has_infringement_type",
            ),
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
    # A notice filed through the public form by someone without an account (DSA Art. 16), once its
    # e-mail address was confirmed (complaints/open_notices.py). Always the lowest lane.
    OPEN_NOTICE = "open_notice", "Notice from the public"


class Priority(models.IntegerChoices):
    """Review lanes; lower goes first. Each has its own SLA (settings.REVIEW_SLA_HOURS)."""

    TRUSTED = 0, "Trusted / good faith"
    VERIFIED = 1, "Verified right"
    OTHER = 2, "Other"
    # A right the reporter described without a registration (registry.unregistered).
    UNREGISTERED = 3, "Unregistered right"


class Case(models.Model):
    """One listing of one report: the unit that is queued, decided, enforced and appealed."""

    # Null only for cases the portal opened itself (source automatic): no person filed a notice,
    # so there is no declaration or signature to show; `detection` says what fired instead.
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="cases")
    right = models.ForeignKey(IPRight, on_delete=models.PROTECT, related_name="cases")
    # Copies of right.brand and right.kind (a right never changes brand or kind), so the queue
    # filters by brand or IP type with an ordered index scan instead of an IN list of right ids.
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="cases",
                              db_index=False)  # case_brand_queue_idx leads with brand
    kind = models.CharField(max_length=16, choices=RightKind.choices)
    state = models.CharField(max_length=16, choices=CaseState.choices, default=CaseState.OPEN)
    # Lower goes first: 0 trusted flagger, 1 verified right, 2 unverified right, 3 unregistered right.
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.OTHER)
    source = models.CharField(max_length=16, choices=CaseSource.choices, default=CaseSource.REPORT)
    # Indexed by case_claims_held_idx (a reviewer's live claims, the claim cap's count).
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, db_index=False,
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
            # Queue filtered by brand, IP type or source, in the queue's default order: ordered scans
            # of just those cases instead of filtering the whole lane (brand_id and kind are copied
            # from the right onto the case for this).
            models.Index(fields=["brand", "state", "priority", "due_at", "id"], name="case_brand_queue_idx"),
            models.Index(fields=["kind", "state", "priority", "due_at", "id"], name="case_kind_queue_idx"),
            models.Index(fields=["state", "source", "priority", "due_at"], name="case_source_queue_idx"),
            # The expired-claims sweep and claim-next's lapsed claims, in claim-next's order.
            models.Index(fields=["state", "claim_expires_at", "id"], name="case_claim_expiry_idx"),
            models.Index(fields=["claimed_by", "state", "claim_expires_at"], name="case_claims_held_idx"),
        ]

    def __str__(self) -> str:
        return case_repr(self.pk, self.listing.external_id)

    def save(self, *args, **kwargs):
        # brand and kind are copies of the right's: fill them on creation so no code path that
        # opens a case (reports, automatic protection, fixtures) can leave them out of step.
        if self.brand_id is None or not self.kind:
            self.brand_id, self.kind = IPRight.objects.values_list("brand_id", "kind").get(pk=self.right_id)
        super().save(*args, **kwargs)

    @property
    def reference(self) -> str:
        return f"C-{self.pk}"

    @property
    def is_overdue(self) -> bool:
        return self.state in (CaseState.OPEN, CaseState.IN_REVIEW) and self.due_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        return self.state == CaseState.OPEN

    @property
    def is_in_review(self) -> bool:
        return self.state == CaseState.IN_REVIEW

    @property
    def is_automatic(self) -> bool:
        """Opened by the portal's own protection rules: there is no report behind it."""
        return self.report_id is None

    @property
    def is_open_notice(self) -> bool:
        """Filed through the public form by someone without an account (complaints/open_notices.py)."""
        return self.source == CaseSource.OPEN_NOTICE

    @property
    def origin(self) -> str:
        """Where the case came from, as people read it: "report R-12" or "automatic detection"."""
        return f"report {self.report.reference}" if self.report_id else "automatic detection"

    @property
    def is_undecided(self) -> bool:
        """Open, in review or waiting for the reporter (UNDECIDED_STATES): no final decision yet."""
        return self.state in UNDECIDED_STATES

    @property
    def awaits_reporter(self) -> bool:
        """Waiting for the reporter's answer to a reviewer's question (the SLA clock is paused)."""
        return self.state == CaseState.NEEDS_INFO

    @property
    def is_withdrawn(self) -> bool:
        return self.state == CaseState.WITHDRAWN

    @property
    def claim_lapsed(self) -> bool:
        """Claimed, but the claim ran out: anyone may claim the case again (the sweep reopens it).
        claim_lapsed_q() is the same rule for querysets."""
        return (self.state == CaseState.IN_REVIEW and self.claim_expires_at is not None
                and self.claim_expires_at <= timezone.now())

    @property
    def detection_suppresses(self) -> bool:
        """An automatic case whose rule hid the listing at once (not only flagged it for review)."""
        return self.detection.get("mode") == RuleMode.SUPPRESS


def claim_lapsed_q(now=None) -> models.Q:
    """Case.claim_lapsed as a queryset filter (as of `now`, default the current time)."""
    return models.Q(state=CaseState.IN_REVIEW, claim_expires_at__lte=now or timezone.now())


class Party(models.TextChoices):
    """The two sides of a case: the seller of the listing and the rights holder who reported it.
    Either may appeal a decision against them; each files its own evidence in due process."""

    SELLER = "seller", "Seller"
    REPORTER = "reporter", "Rights holder"


class Outcome(models.TextChoices):
    REMOVE = "remove", "Remove listing"
    SUPPRESS = "suppress", "Suppress listing"
    REJECT = "reject", "Reject report"
    REINSTATE = "reinstate", "Grant appeal: reinstate"
    UPHOLD = "uphold", "Deny appeal: uphold"


# Decisions that restrict a listing: the seller is notified and may appeal or counter-notify.
RESTRICTING_OUTCOMES = (Outcome.REMOVE, Outcome.SUPPRESS)

# The reason the system records when no court action answered a counter-notice in time (listed
# with the other system reasons in complaints.reasons).
COUNTER_NOTICE_NO_COURT_ACTION = "counter_notice_no_court_action"
# A senior reviewer reinstates on a trademark, design or patent counter-notice (counter_notices).
COUNTER_NOTICE_GRANTED = "counter_notice_granted"
# The reason the system records when a protection rule no longer matches the listing of its open
# automatic case (the rule was relaxed, or the listing changed): the case closes, the suppression lifts.
AUTO_RULE_NO_LONGER_MATCHES = "auto_rule_no_longer_matches"


def case_repr(pk: int, listing_external_id: str) -> str:
    """What str(case) says, for the bulk paths that name cases (audit entries) without loading them."""
    return f"Case C-{pk} · {listing_external_id}"


def decision_repr(pk: int, case_id: int, outcome: str) -> str:
    """What str(decision) says (`outcome`: the outcome's value), for the bulk paths likewise."""
    return f"Decision #{pk} on C-{case_id}: {Outcome(outcome).label}"


# The columns the bulk paths write a decision with (common.db.insert_rows), in this order: the
# report-wide decision, the ingest batch's automated suppressions and its releases.
DECISION_ROW_COLUMNS = ("case_id", "outcome", "reason_code", "statement", "decided_by_id", "automated",
                        "supersedes_id", "created_at")


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
        return decision_repr(self.pk, self.case_id, self.outcome)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Decisions are immutable; record a new one that supersedes.")
        super().save(*args, **kwargs)

    @property
    def restricts(self) -> bool:
        """Restricts the listing (RESTRICTING_OUTCOMES): the seller is told and may challenge it."""
        return self.outcome in RESTRICTING_OUTCOMES

    @property
    def suppresses(self) -> bool:
        return self.outcome == Outcome.SUPPRESS

    @property
    def reinstated_after_counter_notice(self) -> bool:
        """The system reinstated the listing: no court action answered the seller's counter-notice."""
        return self.reason_code in (COUNTER_NOTICE_NO_COURT_ACTION, COUNTER_NOTICE_GRANTED)

    @property
    def outranks_automation(self) -> bool:
        """Reversing a restriction, it holds the protection rules off the listing until the listing
        changes (monitoring): a person decided it, or the counter-notice procedure did."""
        return outranks_automation(automated=self.automated, reason_code=self.reason_code)


def outranks_automation(*, automated: bool, reason_code: str) -> bool:
    """Decision.outranks_automation for a decision read as values (the bulk paths)."""
    return not automated or reason_code == COUNTER_NOTICE_NO_COURT_ACTION


# --- Misuse of the notice system (complaints/sanctions.py) ------------------------------------------
# Here, in complaints: report_submit checks it (complaints.sanctions), and complaints imports nothing above it.


class SanctionLevel(models.TextChoices):
    WARNING = "warning", "Warning"
    SUSPENSION = "suspension", "Suspension of notice processing"


class SanctionStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    CONFIRMED = "confirmed", "Confirmed"
    DISMISSED = "dismissed", "Dismissed"
    LIFTED = "lifted", "Lifted"


class Sanction(models.Model):
    """A step against a reporter (a user) or a brand whose notices are often unfounded (DSA Art. 23
    calls the reporter a "notifier"): proposed by the system from the measured figures (kept as they
    were), confirmed or dismissed by a senior. Was NotifierSanction: the table and the name its audit
    entries were filed under stay."""

    audit_label = "complaints.notifiersanction"

    brand = models.ForeignKey(Brand, null=True, blank=True, on_delete=models.PROTECT, related_name="sanctions")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="reporter_sanctions")
    level = models.CharField(max_length=16, choices=SanctionLevel.choices)
    status = models.CharField(max_length=16, choices=SanctionStatus.choices, default=SanctionStatus.PROPOSED)
    figures = models.JSONField(help_text="The reporter's figures when proposed")
    reason = models.TextField(help_text="Why, in words the reporter reads")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    closed_cases = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "complaints_notifiersanction"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(brand__isnull=True, reporter__isnull=False)
                | models.Q(brand__isnull=False, reporter__isnull=True),
                name="sanction_one_subject",
            ),
            # One open proposal per subject and level: re-evaluating never piles them up.
            models.UniqueConstraint(fields=["brand", "level"], condition=models.Q(status="proposed"),
                                    name="one_proposed_sanction_per_brand_level"),
            models.UniqueConstraint(fields=["reporter", "level"], condition=models.Q(status="proposed"),
                                    name="one_proposed_sanction_per_reporter_level"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} of {self.subject_label} ({self.status})"

    @property
    def subject_label(self) -> str:
        return f"brand {self.brand}" if self.brand_id else f"reporter {self.reporter}"

    @property
    def is_proposed(self) -> bool:
        return self.status == SanctionStatus.PROPOSED

    @property
    def is_suspension(self) -> bool:
        return self.level == SanctionLevel.SUSPENSION


class ReportCaseLink(models.Model):
    """A listing of a report that already had an undecided case for the same right: the report
    joins that case instead of opening a second one (DESIGN: "joined, not duplicated")."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="case_links")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="report_links")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["report", "case"], name="one_link_per_report_and_case")]

    def __str__(self) -> str:
        return f"{self.report.reference} joins {self.case.reference}"


class CaseNote(models.Model):
    """An internal note on a case: reviewers only, never shown to rights holders or sellers."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Note #{self.pk} on {self.case.reference}"


class InfoRequest(models.Model):
    """A reviewer's question to the reporter while the case waits (state needs_info).

    Closed by the reporter's answer, or by the deadline passing (the case goes back to the queue
    either way; `expired_at` says which). The SLA clock stops while it is open: on close, the
    case's due_at moves later by the time waited.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="info_requests")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    question = models.TextField()
    deadline = models.DateTimeField()
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=models.Q(answered_at__isnull=True,
                                                                        expired_at__isnull=True),
                                    name="one_open_info_request_per_case"),
        ]
        indexes = [models.Index(fields=["deadline"], condition=models.Q(answered_at__isnull=True,
                                                                         expired_at__isnull=True),
                                name="info_request_open_deadline_idx")]

    def __str__(self) -> str:
        return f"Question #{self.pk} on {self.case.reference}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None and self.expired_at is None


class InfoAnswerEvidence(models.Model):
    """A file the reporter sent with an answer to a reviewer's question (review.info_requests).

    Linked to the answer (and through it to the case and its report); kept with it (PROTECT). Served
    through the same access check as report evidence (complaints.selectors.evidence_get_for_user).
    """

    info_request = models.ForeignKey(InfoRequest, on_delete=models.PROTECT, related_name="evidence_links")
    file = models.OneToOneField(EvidenceFile, on_delete=models.PROTECT, related_name="info_answer_link")

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "info answer evidence"

    def __str__(self) -> str:
        return f"Answer to question #{self.info_request_id}: {self.file.original_name}"


class OpenNotice(models.Model):
    """A notice filed through the public form by someone without an account (DSA Art. 16).

    Kept as typed. It enters the review queue as a Report (source open notice, lowest lane) only once
    the notifier opened the confirmation link mailed to `email` (complaints/open_notices.py). The
    right relied on is described here and becomes an unregistered right of the brand that holds open
    notices (registry.Brand.holds_open_notices)."""

    name = models.CharField(max_length=150)
    email = models.EmailField()
    capacity = models.CharField(max_length=16, choices=ReporterCapacity.choices)
    kind = models.CharField(max_length=16, choices=RightKind.choices)
    right_name = models.CharField(max_length=200)
    rights_owner = models.CharField(max_length=200)
    registration = models.CharField(max_length=200, blank=True)
    infringement_type = models.CharField(max_length=32, choices=InfringementType.choices, blank=True)
    listings = models.TextField(help_text="The listing URLs or ids as typed")
    explanation = models.TextField()
    signature = models.CharField(max_length=150)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    report = models.OneToOneField(Report, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="open_notice")

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["email", "created_at"], name="open_notice_email_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(report__isnull=True) | models.Q(confirmed_at__isnull=False),
                                   name="open_notice_report_after_confirmation"),
        ]

    def __str__(self) -> str:
        return f"Open notice N-{self.pk} from {self.email}"

    @property
    def reference(self) -> str:
        return f"N-{self.pk:07d}" if self.pk else "N-new"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
