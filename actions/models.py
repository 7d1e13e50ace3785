"""Enforcement actions (the rows that become marketplace changes) and the bulk jobs that apply
many of them in chunks. The tables keep the names they were created with in `enforcement`."""

from django.conf import settings
from django.db import models

from complaints.models import Case, Decision, Report
from listings.models import Listing


class ActionKind(models.TextChoices):
    REMOVE = "remove", "Remove listing"
    SUPPRESS = "suppress", "Suppress listing"
    REINSTATE = "reinstate", "Reinstate listing"
    # A seller suspension suppresses each of the seller's active listings with SUPPRESS actions (one
    # per listing, applied in chunks); lifting it restores those the suspension suppressed.
    UNSUPPRESS = "unsuppress", "Restore listing (suspension lifted)"

    @property
    def imposes(self) -> bool:
        """Applying it imposes a restriction (the other kinds lift one)."""
        return self in (ActionKind.REMOVE, ActionKind.SUPPRESS)


class ActionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPLIED = "applied", "Applied"
    FAILED = "failed", "Failed"


class EnforcementAction(models.Model):
    """A takedown or reinstatement. The row, not the broker message, is the truth: it is created
    in the decision's transaction, and a worker applies it under the row's lock exactly once."""

    # Its history in the audit log is filed under the label it had when written (hashed into
    # each entry), from before the model left `enforcement`.
    audit_label = "enforcement.enforcementaction"

    # A takedown or reinstatement comes from a decision on a case; a suspension's per-listing
    # actions come from the suspension (suspensions/services.py) and carry no decision or case.
    # Not indexed: actions are looked up by case, listing or job; a decision is never deleted.
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="actions",
                                 db_index=False)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="actions")
    bulk_job = models.ForeignKey("BulkJob", null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    # A suspension's actions (suppress on approval or at ingest, unsuppress on lift) name it: the
    # restriction they impose or lift is the suspension's. A string reference: suspensions sits
    # above actions and is never imported here.
    suspension = models.ForeignKey("suspensions.Suspension", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="actions", db_index=False)
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
        db_table = "enforcement_enforcementaction"
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
            # Every action names what it enforces: a decision on a case, or a suspension (whose
            # restriction it imposes or lifts, in the suspension's job).
            models.CheckConstraint(
                condition=models.Q(decision__isnull=False, case__isnull=False)
                | models.Q(bulk_job__isnull=False, suspension__isnull=False),
                name="action_has_decision_or_suspension",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.listing.external_id} ({self.status})"

    @property
    def is_failed(self) -> bool:
        return self.status == ActionStatus.FAILED


class BulkJobKind(models.TextChoices):
    TAKEDOWNS = "takedowns", "Takedowns"
    SUSPEND = "suspend", "Seller suspension"
    LIFT = "lift", "Suspension lifted"
    # One reviewer's decision applied to the other undecided cases of a report: the job decides
    # the cases in chunks (decisions/report_jobs.py) and applies the actions they create.
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

    # Its history in the audit log is filed under the label it had when written (hashed into
    # each entry), from before the model left `enforcement`.
    audit_label = "enforcement.bulkjob"

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
        db_table = "enforcement_bulkjob"
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
    def is_running(self) -> bool:
        return self.status == BulkJobStatus.RUNNING

    @property
    def is_report_decision(self) -> bool:
        return self.kind == BulkJobKind.REPORT_DECISION

    @property
    def deciding(self) -> bool:
        """Still walking a report's cases: more actions may come."""
        return self.is_report_decision and self.cases_done_at is None

    @property
    def cases_walked(self) -> int:
        return self.cases_decided + self.cases_skipped

    @property
    def cases_percent(self) -> int:
        return min(100, int(100 * self.cases_walked / self.cases_total)) if self.cases_total else 100

    @property
    def percent(self) -> int:
        if self.is_report_decision and self.cases_total:
            # Two steps per case: decided or skipped, then its action applied (or none to apply:
            # skipped, or rejected with nothing to reverse). Each case makes at most one action.
            steps = 2 * self.cases_walked - self.total + self.done + self.failed
            return max(0, min(100, int(100 * steps / (2 * self.cases_total))))
        return int(100 * (self.done + self.failed) / self.total) if self.total else 100


class RestrictionKind(models.TextChoices):
    # The listing status each kind brings while active (listings.models.status_for).
    REMOVED = "removed", "Removed"
    SUPPRESSED = "suppressed", "Suppressed"


class RestrictionSource(models.TextChoices):
    DECISION = "decision", "A person's decision on a case"
    AUTOMATIC = "automatic", "Automatic detection (a protection rule)"
    SUSPENSION = "suspension", "Seller suspension"


class Restriction(models.Model):
    """One thing that hides a listing: a removal or suppression with its source, from the moment an
    action imposed it until an action lifted it. A listing's status is derived from its active
    restrictions (listings.models.status_for): removed while any removal is active, suppressed while
    any suppression is, active otherwise. Lifting one never lifts another, so a suspension lifted
    over an IP takedown leaves the takedown standing, and the marketplace hears only real changes.

    Written only by applying actions (actions.restrictions), in the applying transaction."""

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="restrictions")
    kind = models.CharField(max_length=16, choices=RestrictionKind.choices)
    source = models.CharField(max_length=16, choices=RestrictionSource.choices)
    # A decision's restriction: its case and decision. A suspension's: the suspension.
    # Few indexes: each is written again with every takedown (ten thousand at once in a bulk job).
    # Restrictions are read by listing (a listing has a handful), and a suspension's by the
    # partial index below; never by case or decision alone.
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="restrictions",
                             db_index=False)
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 db_index=False)
    suspension = models.ForeignKey("suspensions.Suspension", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="restrictions", db_index=False)
    imposed_by = models.OneToOneField(EnforcementAction, on_delete=models.PROTECT, related_name="imposed")
    started_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(EnforcementAction, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="lifted", db_index=False)
    # When a person's decision reinstated the listing (appeal, counter-notice, rejection,
    # withdrawal): what the listing showed then, in the fields the protection rules read. The rule
    # that matched then does not restrict it again for the same right until these change.
    cleared_facts = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # A suspension's restrictions (its lift): only the rows that have one are in it.
            models.Index(fields=["suspension"], name="restriction_suspension_idx",
                         condition=models.Q(suspension__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source="suspension", suspension__isnull=False, case__isnull=True)
                | (~models.Q(source="suspension") & models.Q(case__isnull=False, decision__isnull=False)),
                name="restriction_names_its_source"),
            models.CheckConstraint(condition=models.Q(lifted_at__isnull=True) | models.Q(lifted_by__isnull=False),
                                   name="restriction_lift_names_its_action"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.listing_id} by {self.get_source_display().lower()}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None

    @property
    def by_phrase(self) -> str:
        """Who imposed it, as a reviewer reads it ("Removed by …")."""
        return {RestrictionSource.DECISION: "a reviewer's decision", RestrictionSource.AUTOMATIC: "automatic detection",
                RestrictionSource.SUSPENSION: "a seller suspension"}[self.source]
