"""Counter-notices: the seller's statutory answer to a restriction, with its deadlines. The tables
keep the names they were created with in `enforcement`."""

from django.conf import settings
from django.db import models

from complaints.models import Case, Decision, Party


class CounterNoticeStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for the rights holder"
    COURT_ACTION = "court_action", "Court action shown: listing stays down"
    REINSTATED = "reinstated", "Listing reinstated"


class CounterNotice(models.Model):
    """A seller's counter-notice against a removal, with the statutory statements (17 U.S.C.
    §512(g)(3)), offered for every IP type. The dates are computed once, at filing, on the
    business-day calendar, so both sides see the same deadline whatever happens later."""

    # Its history in the audit log is filed under the label it had when written (hashed into
    # each entry), from before the model left `enforcement`.
    audit_label = "enforcement.counternotice"

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
        db_table = "enforcement_counternotice"
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

    @property
    def is_waiting(self) -> bool:
        """Waiting for the rights holder to show a court action before the reinstatement date."""
        return self.status == CounterNoticeStatus.WAITING


class CounterNoticeEvidence(models.Model):
    """A file with a counter-notice: the seller's documents, or the rights holder's court filing."""

    # Its history in the audit log is filed under the label it had when written (hashed into
    # each entry), from before the model left `enforcement`.
    audit_label = "enforcement.counternoticeevidence"

    counter_notice = models.ForeignKey(CounterNotice, on_delete=models.PROTECT, related_name="evidence_links")
    party = models.CharField(max_length=16, choices=Party.choices)
    file = models.OneToOneField("evidence.EvidenceFile", on_delete=models.PROTECT,
                                related_name="counter_notice_link")

    class Meta:
        db_table = "enforcement_counternoticeevidence"
        ordering = ["id"]
        verbose_name_plural = "counter-notice evidence"

    def __str__(self) -> str:
        return f"Counter-notice #{self.counter_notice_id}: {self.file.original_name}"
