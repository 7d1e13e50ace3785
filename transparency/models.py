"""What the portal keeps about statements of reasons sent to the DSA Transparency Database, and the
snapshots the public report reads. The statement itself is not stored: it is built from the rows it
describes (a restriction, or a seller suspension) whenever it is exported or sent, so the export,
the API and the report all read one source of truth. What is stored is what must never change or be
lost: the puid, and what the database answered."""

from django.db import models


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", "Not sent yet"
    SENDING = "sending", "Sent, answer not known yet"
    SUBMITTED = "submitted", "Accepted by the database"
    REJECTED = "rejected", "Rejected by the database (422)"
    FAILED = "failed", "Could not be built"


class StatementRecord(models.Model):
    """One statement of reasons: for one restriction a decision or a protection rule imposed on a
    listing, or for one seller suspension (its listings' own restrictions are covered by it).

    `puid` is the platform's unique id the database keys statements on; it is written once, unique
    here, and never reused (it is made from the source row's id, which PostgreSQL never reuses, and
    kept even if the source changes)."""

    puid = models.CharField(max_length=500)  # unique: Meta.constraints
    restriction = models.OneToOneField("actions.Restriction", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="statement_record")
    suspension = models.OneToOneField("suspensions.Suspension", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="statement_record")
    # When the restriction (or suspension) began: the export's --since/--until and the API's order.
    applied_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.PENDING)
    uuid = models.CharField(max_length=64, blank=True, help_text="The database's id for the statement")
    error = models.TextField(blank=True, help_text="What the database (or the builder) said was wrong")
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["applied_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["puid"], name="statement_puid_unique"),
            models.CheckConstraint(
                condition=models.Q(restriction__isnull=False, suspension__isnull=True)
                | models.Q(restriction__isnull=True, suspension__isnull=False),
                name="statement_has_one_source"),
        ]
        indexes = [
            models.Index(fields=["applied_at", "id"], name="statement_applied_idx"),
            # The submission task's claim: what is not yet accepted, oldest first.
            models.Index(fields=["status", "id"], name="statement_unsent_idx",
                         condition=~models.Q(status="submitted")),
        ]

    def __str__(self) -> str:
        return f"{self.puid} ({self.status})"

    @property
    def is_rejected(self) -> bool:
        return self.status == SubmissionStatus.REJECTED


class PeriodKind(models.TextChoices):
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"
    YEAR = "year", "Year"


class ReportSnapshot(models.Model):
    """The public report's figures for one period, computed by a beat task (never on a page view)."""

    period = models.CharField(max_length=8, choices=PeriodKind.choices)
    start = models.DateField()
    end = models.DateField(help_text="Exclusive")
    figures = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-start", "period"]
        constraints = [models.UniqueConstraint(fields=["period", "start"], name="one_snapshot_per_period")]

    def __str__(self) -> str:
        return f"{self.period} from {self.start}"
