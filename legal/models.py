"""Legal action: evidence packages, test buys, referrals to law enforcement and DSA Art. 18
notifications. A top-layer app: it reads cases, decisions, strikes and suspensions, and changes
none of them."""

from django.conf import settings
from django.db import models

from complaints.models import Case, Report
from evidence.models import EvidenceFile
from listings.models import Listing, Seller
from registry.models import Brand


class PackageScope(models.TextChoices):
    CASE = "case", "One case"
    REPORT = "report", "One report"
    SELLER = "seller", "A seller's whole history"


class PackageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    BUILDING = "building", "Building"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    # Past its link's expiry, the ZIP is deleted by housekeeping (packages_delete_expired); the row,
    # its ZIP and manifest digests and its downloads stay for the audit.
    EXPIRED = "expired", "Expired, files deleted"


class EvidencePackage(models.Model):
    """One ZIP of a case, a report or a seller's history (legal/packages.py), built by a task.
    `brand` set: built for that brand's admin, so it holds only that brand's cases."""

    scope = models.CharField(max_length=8, choices=PackageScope.choices)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey(Seller, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    brand = models.ForeignKey(Brand, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              help_text="Only this brand's cases (a brand admin's package)")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=PackageStatus.choices, default=PackageStatus.QUEUED)
    cases_total = models.PositiveIntegerField(default=0)
    cases_done = models.PositiveIntegerField(default=0)
    storage_name = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True, help_text="Of the whole ZIP")
    manifest_sha256 = models.CharField(max_length=64, blank=True, help_text="The signed digest")
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Moved on by every chunk written: a package queued or building with no move for
    # LEGAL_PACKAGE_STALE_SECONDS lost its worker or its message, and the sweep queues it again.
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="The download link works until then")

    class Meta:
        ordering = ["-id"]
        constraints = [models.CheckConstraint(
            condition=(models.Q(scope="case", case__isnull=False) | models.Q(scope="report", report__isnull=False)
                       | models.Q(scope="seller", seller__isnull=False)),
            name="package_scope_has_subject")]

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_scope_display().lower()}: {self.subject})"

    @property
    def reference(self) -> str:
        return f"P-{self.pk}"

    @property
    def subject(self):
        return self.case or self.report or self.seller

    @property
    def is_ready(self) -> bool:
        return self.status == PackageStatus.READY

    @property
    def is_running(self) -> bool:
        return self.status in (PackageStatus.QUEUED, PackageStatus.BUILDING)

    @property
    def is_failed(self) -> bool:
        return self.status == PackageStatus.FAILED

    @property
    def is_expired(self) -> bool:
        return self.status == PackageStatus.EXPIRED

    @property
    def subject_id(self) -> int:
        return self.case_id or self.report_id or self.seller_id

    @property
    def percent(self) -> int:
        if self.is_ready:
            return 100
        return int(100 * self.cases_done / self.cases_total) if self.cases_total else 0

    @property
    def file_name(self) -> str:
        return f"evidence-package-{self.reference}.zip"


class PackageDownload(models.Model):
    """Every download of a package: by a signed-in person or through a share link."""

    package = models.ForeignKey(EvidencePackage, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    share = models.ForeignKey("ShareLink", null=True, blank=True, on_delete=models.PROTECT, related_name="downloads")
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.package.reference} downloaded at {self.at:%Y-%m-%d %H:%M}"


class Verdict(models.TextChoices):
    GENUINE = "genuine", "Genuine"
    COUNTERFEIT = "counterfeit", "Counterfeit"
    INCONCLUSIVE = "inconclusive", "Inconclusive"


class TestBuy(models.Model):
    """A test purchase of a listing's item, with the examiner's verdict and chain of custody.
    Never edited: a correction is a new test buy."""

    __test__ = False  # not a pytest test class, whatever its name

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="test_buys")
    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="test_buys",
                               help_text="The listing's seller when bought (kept if the listing moves)")
    brand = models.ForeignKey(Brand, null=True, blank=True, on_delete=models.PROTECT, related_name="test_buys",
                              help_text="The rights holder who bought, or for whom staff recorded it")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="test_buys",
                             help_text="The case it strengthens or started")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    order_reference = models.CharField(max_length=100)
    purchased_on = models.DateField()
    price = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    delivered_to = models.CharField(max_length=300, help_text="Where the item was delivered")
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    examiner = models.CharField(max_length=200, help_text="The lab or expert who examined the item")
    custody_notes = models.TextField(help_text="Chain of custody: who held the item, when, where it is now")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=models.Q(price__gte=0), name="test_buy_price_not_negative")]

    def __str__(self) -> str:
        return f"{self.reference} of {self.listing.external_id}: {self.get_verdict_display()}"

    @property
    def reference(self) -> str:
        return f"TB-{self.pk}"

    @property
    def is_counterfeit(self) -> bool:
        return self.verdict == Verdict.COUNTERFEIT


class PhotoKind(models.TextChoices):
    ITEM = "item", "The item"
    PACKAGING = "packaging", "Its packaging"


class TestBuyPhoto(models.Model):
    __test__ = False

    test_buy = models.ForeignKey(TestBuy, on_delete=models.PROTECT, related_name="photos")
    file = models.OneToOneField(EvidenceFile, on_delete=models.PROTECT, related_name="test_buy_link")
    kind = models.CharField(max_length=16, choices=PhotoKind.choices)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} photo of {self.test_buy.reference}"


class Agency(models.TextChoices):
    POLICE = "law_enforcement", "Law enforcement"
    CUSTOMS = "customs", "Customs"
    COUNSEL = "counsel", "The brand's counsel"


class ReferralState(models.TextChoices):
    REQUESTED = "requested", "Requested by the brand"
    REFUSED = "refused", "Request refused"
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ACTION_TAKEN = "action_taken", "Action taken"
    DECLINED = "declined", "Declined by the agency"
    CLOSED = "closed", "Closed"


class Referral(models.Model):
    """A seller (with linked sellers and cases) referred to law enforcement, customs or counsel.
    Moves through legal/states.py REFERRAL_TRANSITIONS; every move is audited."""

    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="referrals")
    linked_sellers = models.ManyToManyField(Seller, blank=True, related_name="linked_referrals")
    cases = models.ManyToManyField(Case, blank=True, related_name="referrals")
    brand = models.ForeignKey(Brand, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals",
                              help_text="The brand that requested it, if one did")
    agency = models.CharField(max_length=16, choices=Agency.choices)
    agency_name = models.CharField(max_length=200)
    contact = models.CharField(max_length=300, help_text="Who at the agency, and how to reach them")
    state = models.CharField(max_length=16, choices=ReferralState.choices, default=ReferralState.DRAFT)
    package = models.ForeignKey(EvidencePackage, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                help_text="The package sent")
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.seller} to {self.agency_name or self.get_agency_display()}"

    @property
    def reference(self) -> str:
        return f"RF-{self.pk}"

    @property
    def is_requested(self) -> bool:
        return self.state == ReferralState.REQUESTED

    @property
    def is_draft(self) -> bool:
        return self.state == ReferralState.DRAFT

    @property
    def may_share(self) -> bool:
        """A package goes out once the referral is sent, and while the agency works on it."""
        return self.state in (ReferralState.SENT, ReferralState.ACKNOWLEDGED) and self.package_id is not None


class ShareLink(models.Model):
    """An expiring, single-use link to a referral's package for an external recipient. Only the
    token's SHA-256 is stored; the link is shown once."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="share_links")
    package = models.ForeignKey(EvidencePackage, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    recipient = models.CharField(max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Share of {self.package.reference} for {self.recipient}"


class ThreatKind(models.TextChoices):
    LIFE = "life", "Threat to life"
    HEALTH = "health", "Threat to health (e.g. counterfeit medicines)"
    SAFETY = "safety", "Threat to safety (e.g. unsafe products)"


class OffenceState(models.TextChoices):
    FLAGGED = "flagged", "Flagged: a senior must act"
    NOTIFIED = "notified", "Authorities notified"
    DISMISSED = "dismissed", "Dismissed by a senior"


class OffenceNotification(models.Model):
    """DSA Art. 18: a suspected criminal offence involving a threat to life or safety, flagged by a
    reviewer on a case, shown to seniors at once, notified with its package by a senior."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="offence_notifications")
    threat = models.CharField(max_length=16, choices=ThreatKind.choices)
    suspicion = models.TextField(help_text="What makes the reviewer suspect the offence")
    flagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=16, choices=OffenceState.choices, default=OffenceState.FLAGGED)
    authority = models.CharField(max_length=300, blank=True, help_text="The member state authority notified")
    package = models.ForeignKey(EvidencePackage, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["case"], condition=models.Q(state="flagged"),
                                               name="one_open_offence_flag_per_case")]

    def __str__(self) -> str:
        return f"Art. 18 notification {self.reference} on {self.case}"

    @property
    def reference(self) -> str:
        return f"A18-{self.pk}"

    @property
    def is_flagged(self) -> bool:
        return self.state == OffenceState.FLAGGED
