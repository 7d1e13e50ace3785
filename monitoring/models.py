"""What monitoring keeps: the rules' version (so each process knows when to rebuild its automaton)
and the background re-checks of a brand's existing listings."""

from django.db import models
from django.db.models import Q

from registry.models import Brand


class ProtectionVersion(models.Model):
    """One row (id=1): bumped whenever rules, watched terms or verified marks change. Every process
    compares it with the version its automaton was built from, and rebuilds when it differs."""

    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"protection rules v{self.version}"


class RecheckStatus(models.TextChoices):
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    SUPERSEDED = "superseded", "Superseded by a newer change"


class RecheckJob(models.Model):
    """Existing listings checked again after a brand changed its rules, in chunks by listing id.

    `cursor` is the last listing id checked: a chunk task resumes from it, so a lost message or a
    restarted worker continues where it stopped (see monitoring.services.rechecks_resume_stale).
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="rechecks")
    status = models.CharField(max_length=16, choices=RecheckStatus.choices, default=RecheckStatus.RUNNING)
    total = models.PositiveIntegerField(help_text="Listings to check when the job started")
    checked = models.PositiveIntegerField(default=0)
    hits = models.PositiveIntegerField(default=0)
    cursor = models.BigIntegerField(default=0)
    upto = models.BigIntegerField(help_text="Highest listing id when the job started; later ones are checked on ingest")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["brand"], condition=Q(status="running"),
                                    name="one_running_recheck_per_brand"),
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="recheck_stale_idx")]

    def __str__(self) -> str:
        return f"Re-check of {self.brand} ({self.checked}/{self.total}, {self.status})"

    @property
    def is_running(self) -> bool:
        return self.status == RecheckStatus.RUNNING

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.checked * 100 // self.total)
