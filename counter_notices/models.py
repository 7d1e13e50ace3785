"""Counter-notices: the seller's statutory answer to a restriction, with its deadlines. The tables
keep the names they were created with in `enforcement`."""

from django.conf import settings
from django.db import models

from complaints.models import Case, Decision, Party


class CounterNoticeStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for the rights holder"
    FILING_REVIEW = "filing_review", "Court filing under review"
    COURT_ACTION = "court_action", "Court action shown: listing stays down"
    REINSTATED = "reinstated", "Listing reinstated"
    # The marketplace's own counter-notice (trademark, design, patent): a senior decides.
    FOR_DECISION = "for_decision", "With a senior reviewer for a decision"
    REJECTED = "rejected", "Counter-notice rejected: listing stays down"


class CounterNoticeProcedure(models.TextChoices):
    """Copyright: the statutory counter-notice, restored on a set day unless the rights holder sues.
    Trademark, design, patent: the marketplace's own, reviewed counter-notice; nothing is restored
    without a senior reviewer's decision (a counterfeiter cannot restore a listing by filing a form)."""

    DMCA = "dmca", "DMCA §512(g) counter-notice"
    REVIEWED = "reviewed", "Counter-notice reviewed by the marketplace"


class CounterNoticeGround(models.TextChoices):
    AUTHORIZED_RESELLER = "authorized_reseller", "I am an authorized reseller of the rights holder"
    GENUINE_GOODS = "genuine_goods", "The goods are genuine: I can show invoices from the supply chain"
    NON_INFRINGEMENT = "non_infringement", "The product does not infringe the right"


def procedure_for(kind: str) -> str:
    """The counter-notice procedure for a right of this kind (registry.RightKind)."""
    return CounterNoticeProcedure.DMCA if kind == "copyright" else CounterNoticeProcedure.REVIEWED


class CounterNotice(models.Model):
    """A seller's counter-notice against a removal. Copyright: the statutory statements (17 U.S.C.
    §512(g)(3)) and restoration on `reinstate_on` unless a court filing, reviewed, is shown by
    `court_action_due`. Trademark, design, patent: the seller's ground and explanation; the rights
    holder may answer by `court_action_due` (its deadline in both procedures); a senior decides.
    The dates are computed once, at filing, on the business-day calendar."""

    # Its history in the audit log is filed under the label it had when written (hashed into
    # each entry), from before the model left `enforcement`.
    audit_label = "enforcement.counternotice"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="counter_notices")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="counter_notice")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    procedure = models.CharField(max_length=16, choices=CounterNoticeProcedure.choices,
                                 default=CounterNoticeProcedure.DMCA)
    ground = models.CharField(max_length=32, choices=CounterNoticeGround.choices, blank=True)
    explanation = models.TextField(blank=True, help_text="The seller's reasons (reviewed procedure)")
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
    reinstate_on = models.DateField(null=True, blank=True,
                                    help_text="Business day the listing is restored without a court action "
                                              "(copyright only)")
    court_action_note = models.TextField(blank=True)
    court_action_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    court_action_at = models.DateTimeField(null=True, blank=True)
    # The rights holder's answer (reviewed procedure).
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    # A reviewer's check of the court filing (copyright), or a senior's decision (reviewed procedure).
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    reinstatement = models.OneToOneField(Decision, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="reinstated_counter_notice")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "enforcement_counternotice"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(procedure="dmca", perjury_statement=True, consent_jurisdiction=True,
                                    consent_service=True, reinstate_on__isnull=False)
                           & ~models.Q(address="") & ~models.Q(phone=""))
                | (models.Q(procedure="reviewed") & ~models.Q(ground="") & ~models.Q(explanation="")),
                name="counter_notice_complete_per_procedure",
            ),
            models.CheckConstraint(condition=~models.Q(full_name="") & ~models.Q(signature="") & ~models.Q(material=""),
                                   name="counter_notice_signed"),
        ]
        # The beat task's query: waiting counter-notices whose day has come.
        indexes = [models.Index(fields=["status", "reinstate_on"], name="counter_notice_due_idx")]

    def __str__(self) -> str:
        return f"Counter-notice #{self.pk} on {self.case.reference} ({self.status})"

    @property
    def is_waiting(self) -> bool:
        """Waiting for the rights holder: a court action (copyright) or an answer (reviewed)."""
        return self.status == CounterNoticeStatus.WAITING

    @property
    def is_dmca(self) -> bool:
        return self.procedure == CounterNoticeProcedure.DMCA

    @property
    def is_filing_under_review(self) -> bool:
        return self.status == CounterNoticeStatus.FILING_REVIEW

    @property
    def is_for_decision(self) -> bool:
        return self.status == CounterNoticeStatus.FOR_DECISION

    @property
    def is_open(self) -> bool:
        """Still running: the listing's fate is not settled yet."""
        return self.status in OPEN_STATUSES


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


OPEN_STATUSES = frozenset({CounterNoticeStatus.WAITING, CounterNoticeStatus.FILING_REVIEW,
                           CounterNoticeStatus.FOR_DECISION})
