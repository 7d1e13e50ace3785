from django.conf import settings
from django.db import models
from django.db.models import F, Q

from .choices import RightKind, WorkType
from .unregistered import described_facts


class HoldStatus(models.TextChoices):
    """A brand held for review (registry/states.py HOLD_TRANSITIONS): "none" was never held."""

    NONE = "none", "Never held"
    HELD = "held", "Held for review"
    KEPT = "kept", "Kept on hold after review"
    RELEASED = "released", "Released after review"


HOLDING = (HoldStatus.HELD, HoldStatus.KEPT)  # the statuses in which a brand may not file
_RIGHT_KIND_LABELS = dict(RightKind.choices)


class Brand(models.Model):
    name = models.CharField(max_length=200, unique=True)
    website = models.URLField(blank=True)
    owner_company = models.CharField(max_length=200)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    trusted_flagger = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # The good-faith lane, computed from the brand's own record by complaints/lanes.py
    # (daily and on demand): its cases go first while it keeps the lane.
    good_faith_lane = models.BooleanField(default=False)
    good_faith_figures = models.JSONField(default=dict, blank=True)
    good_faith_computed_at = models.DateTimeField(null=True, blank=True)
    # The one brand that holds the rights described in open notices (complaints/open_notices.py):
    # people without an account have no brand of their own. It has no members.
    holds_open_notices = models.BooleanField(default=False)
    # Opened by a member of a brand whose notices are suspended (or by a suspended reporter): its
    # notices wait until a senior reviewer releases it (brand_hold_decide), so a new brand is no way
    # around a suspension. Set by brand_create from the apps that know sanctions (registry.signals).
    hold_reason = models.CharField(max_length=500, blank=True)
    hold_status = models.CharField(max_length=16, choices=HoldStatus.choices, default=HoldStatus.NONE)
    hold_decision = models.CharField(max_length=2000, blank=True, help_text="The senior reviewer's reason")
    hold_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    hold_decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["holds_open_notices"], condition=Q(holds_open_notices=True),
                                    name="one_brand_holds_open_notices"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def held_for_review(self) -> bool:
        """Whether filing is barred: the brand is held, or kept on hold after review."""
        return self.hold_status in HOLDING


class BrandRole(models.TextChoices):
    ADMIN = "admin", "Brand admin"
    AGENT = "agent", "Authorized agent"


class BrandMember(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="brand_memberships")
    role = models.CharField(max_length=16, choices=BrandRole.choices)
    # An agent acts for the owner under an authorization that may end; who granted it, and when.
    authorized_until = models.DateField(null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    added_at = models.DateTimeField(auto_now_add=True, null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brand", "user"], name="one_membership_per_brand")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} of {self.brand}"

    @property
    def is_admin(self) -> bool:
        return self.role == BrandRole.ADMIN

    @property
    def is_agent(self) -> bool:
        return self.role == BrandRole.AGENT


class RightStatus(models.TextChoices):
    PENDING = "pending", "Pending verification"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"


class MarkType(models.TextChoices):
    WORD = "word", "Word mark"
    FIGURATIVE = "figurative", "Figurative mark (logo, stylized)"


class IPRight(models.Model):
    """One registered (or, for copyright, claimed) right of a brand, or an unregistered one.

    Kind-specific facts are typed, nullable columns rather than a JSON blob: the database checks the
    dates, monitoring queries mark texts and types directly, and each kind's form (registry/forms.py)
    decides which columns it fills and requires. Columns another kind does not use stay blank.

    `registered` False: a right described by a reporter in a report (registry.unregistered): an
    unregistered trademark (protected by use), an unregistered design (EU: three years from first
    disclosure) or a copyright nobody entered in the registry. It has no office or number, is never
    verified (so monitoring, which uses verified rights only, never watches it) and stays pending
    until it expires; its reports go to the lowest review lane.
    """

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="rights")
    kind = models.CharField(max_length=16, choices=RightKind.choices)
    office = models.CharField(max_length=32, blank=True)  # registry.offices code
    registration_number = models.CharField(max_length=64, blank=True)  # normalized (offices.normalize_number)
    # Trademark: the mark text; other kinds: the title of the patent, design or work.
    name = models.CharField(max_length=200)
    nice_classes = models.JSONField(default=list, blank=True)  # trademark: Nice classes 1–45
    registered_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    mark_type = models.CharField(max_length=16, choices=MarkType.choices, blank=True)  # trademark
    claims = models.TextField(blank=True)  # patent: the independent claims relied on
    product = models.CharField(max_length=200, blank=True)  # design: the product it is applied to
    work_type = models.CharField(max_length=16, choices=WorkType.choices, blank=True)  # copyright
    author = models.CharField(max_length=200, blank=True)  # copyright
    # Copyright: first publication. Unregistered design: first made available to the public.
    first_published_on = models.DateField(null=True, blank=True)
    registered = models.BooleanField(default=True)
    # Unregistered rights only: what the reporter described. Trademark: in use since, where, and how
    # (description); design: its features (description); copyright: optionally, what the work is.
    first_used_on = models.DateField(null=True, blank=True)
    use_countries = models.JSONField(default=list, blank=True)  # ISO 3166-1 alpha-2
    description = models.TextField(blank=True)
    # Set by the reviewer from the office's record, never by the holder: the code goes there.
    correspondent_email = models.EmailField(blank=True)
    rejection_reason = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=RightStatus.choices, default=RightStatus.PENDING)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["brand__name", "kind", "name"]
        verbose_name = "IP right"
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(registered_on__isnull=True)
                | Q(expires_on__gt=F("registered_on")),
                name="right_expires_after_registration",
            ),
            # An unregistered right has no office record to verify against, and no patent exists unregistered.
            models.CheckConstraint(
                condition=Q(registered=True) | (Q(office="", registration_number="") & ~Q(kind="patent")
                                                & ~Q(status="verified")),
                name="unregistered_right_has_no_registration",
            ),
            # A registration is in the registry once at a time: an expired or rejected right no longer
            # holds its number, so it can be registered anew (services._check_right_fields says so first).
            models.UniqueConstraint(
                fields=["kind", "office", "registration_number"],
                condition=~Q(registration_number="") & ~Q(status__in=["expired", "rejected"]),
                name="one_live_right_per_registration",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_on"], name="right_status_expiry")]

    def __str__(self) -> str:
        if not self.registered:
            return f"Unregistered {self.get_kind_display().lower()} “{self.name}”"
        reg = f" {self.office} {self.registration_number}".rstrip()
        return f"{self.get_kind_display()} “{self.name}”{reg}"

    def get_kind_display(self) -> str:
        """Django's (the kind's label, or the value where it is none), without building the field's
        choices again on each call: an ingest batch's statements name a right each, twice."""
        return _RIGHT_KIND_LABELS.get(self.kind, self.kind)

    @property
    def is_verified(self) -> bool:
        return self.status == RightStatus.VERIFIED

    @property
    def is_pending(self) -> bool:
        return self.status == RightStatus.PENDING

    @property
    def is_rejected(self) -> bool:
        return self.status == RightStatus.REJECTED

    @property
    def is_expired(self) -> bool:
        return self.status == RightStatus.EXPIRED

    @property
    def is_trademark(self) -> bool:
        return self.kind == RightKind.TRADEMARK

    @property
    def is_patent(self) -> bool:
        return self.kind == RightKind.PATENT

    @property
    def is_design(self) -> bool:
        return self.kind == RightKind.DESIGN

    @property
    def is_copyright(self) -> bool:
        return self.kind == RightKind.COPYRIGHT

    @property
    def status_label(self) -> str:
        """The status as people read it: an unregistered right is never "pending verification"."""
        if not self.registered and self.status == RightStatus.PENDING:
            return "Unregistered"
        return self.get_status_display()

    @property
    def described_facts(self) -> list[tuple[str, str]]:
        """(label, text) of what the reporter described, for an unregistered right; [] otherwise."""
        return described_facts(self) if not self.registered else []


class VerificationCode(models.Model):
    """A one-time code mailed to the correspondent on the office's record. Only its HMAC is kept."""

    right = models.ForeignKey(IPRight, on_delete=models.CASCADE, related_name="verification_codes")
    code_hash = models.CharField(max_length=64)
    sent_to = models.EmailField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    # Re-sending a code invalidates the one before it.
    invalidated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["right"], condition=Q(used_at__isnull=True, invalidated_at__isnull=True),
                                    name="one_live_code_per_right"),
        ]

    def __str__(self) -> str:
        return f"code for right #{self.right_id} to {self.sent_to}"


class BrandInvitation(models.Model):
    """An invitation for an email without an account yet; accepted when that person logs in."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()  # stored lower-cased
    role = models.CharField(max_length=16, choices=BrandRole.choices)
    authorized_until = models.DateField(null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brand", "email"], condition=Q(accepted_at__isnull=True),
                                    name="one_pending_invitation_per_email"),
        ]

    def __str__(self) -> str:
        return f"{self.email} invited to {self.brand} as {self.get_role_display()}"


class RuleKind(models.TextChoices):
    SHIPS_FROM = "ships_from", "Authorized ships-from countries"
    SELLER = "seller", "Authorized sellers"


class RuleMode(models.TextChoices):
    SUPPRESS = "suppress", "Suppress automatically"
    FLAG = "flag", "Flag for review"


class ProtectionRule(models.Model):
    """A brand's rule: a listing using a watched term that breaks it is a clear violation.

    Ships-from: the listing ships from a country outside `countries`. Seller: the listing's seller
    is not in `sellers`. `mode` says what a clear violation does. No row, or an empty list, means
    the brand has not set the rule, and it never fires.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="protection_rules")
    kind = models.CharField(max_length=16, choices=RuleKind.choices)
    mode = models.CharField(max_length=16, choices=RuleMode.choices, default=RuleMode.FLAG)
    countries = models.JSONField(default=list, blank=True)  # ISO 3166-1 alpha-2, ships_from only
    sellers = models.ManyToManyField("listings.Seller", blank=True, related_name="+")  # seller only
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brand", "kind"], name="one_rule_per_kind")]

    def __str__(self) -> str:
        return f"{self.brand}: {self.get_kind_display()} ({self.get_mode_display()})"


class TermKind(models.TextChoices):
    EXTRA = "extra", "Extra term"
    MISSPELLING = "misspelling", "Common misspelling"


class WatchedTerm(models.Model):
    """A term watched for the brand besides its verified marks (which are watched implicitly)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="watched_terms")
    term = models.CharField(max_length=100)  # as the admin typed it
    normalized = models.CharField(max_length=100)  # registry.normalize.normalize_term, what matching uses
    kind = models.CharField(max_length=16, choices=TermKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "normalized"]
        constraints = [models.UniqueConstraint(fields=["brand", "normalized"], name="one_watched_term_per_brand")]

    def __str__(self) -> str:
        return self.term


class DocumentRole(models.TextChoices):
    REGISTRATION_EXTRACT = "registration_extract", "Registration extract (office record)"
    MARK_IMAGE = "mark_image", "Mark image (figurative mark)"
    DESIGN_IMAGE = "design_image", "Design image"
    CERTIFICATE = "certificate", "Registration certificate"
    RENEWAL = "renewal", "Renewal certificate or extract"  # registry.renewals.right_renew only


class RightDocument(models.Model):
    """A registration document or image of a right, stored as an evidence file (evidence app).

    A file belongs to one right and is kept with it (PROTECT): the reviewer verified against it.
    """

    right = models.ForeignKey(IPRight, on_delete=models.PROTECT, related_name="documents")
    file = models.OneToOneField("evidence.EvidenceFile", on_delete=models.PROTECT, related_name="right_document")
    role = models.CharField(max_length=24, choices=DocumentRole.choices)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=DocumentRole.values), name="right_document_known_role"),
        ]

    def __str__(self) -> str:
        return f"{self.right}: {self.get_role_display()} {self.file.original_name}"


class ApprovalKind(models.TextChoices):
    TERM = "term", "Watched term"
    SUPPRESS = "suppress", "Automatic suppression"


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a reviewer"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Replaced by a later rule change"


class RuleApproval(models.Model):
    """A protection change that waits for a trust-and-safety reviewer (registry.rule_claims): a
    watched term not close to any of the brand's verified marks, or a rule's suppress mode that
    would restrict many listings or those of another brand's authorized sellers. Until approved the
    term is not watched and the rule only flags."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="rule_approvals")
    kind = models.CharField(max_length=16, choices=ApprovalKind.choices)
    status = models.CharField(max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING)
    term = models.CharField(max_length=100, blank=True)  # kind term: as typed
    normalized = models.CharField(max_length=100, blank=True)
    term_kind = models.CharField(max_length=16, choices=TermKind.choices, blank=True)
    rule_kind = models.CharField(max_length=16, choices=RuleKind.choices, blank=True)  # kind suppress
    estimate = models.PositiveIntegerField(default=0, help_text="Listings the change would restrict (estimate)")
    other_brands_sellers = models.PositiveIntegerField(default=0, help_text="Of those, listings of sellers "
                                                       "another brand authorized")
    why = models.CharField(max_length=500)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ApprovalStatus.values), name="rule_approval_known_status"),
        ]

    def __str__(self) -> str:
        what = f"“{self.term}”" if self.kind == ApprovalKind.TERM else f"suppress ({self.get_rule_kind_display()})"
        return f"{self.brand}: {what} {self.get_status_display().lower()}"

    @property
    def is_pending(self) -> bool:
        return self.status == ApprovalStatus.PENDING

    @property
    def is_term(self) -> bool:
        return self.kind == ApprovalKind.TERM
