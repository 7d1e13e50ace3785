from django.conf import settings
from django.db import models


class Brand(models.Model):
    name = models.CharField(max_length=200, unique=True)
    website = models.URLField(blank=True)
    owner_company = models.CharField(max_length=200)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    trusted_flagger = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BrandRole(models.TextChoices):
    ADMIN = "admin", "Brand admin"
    AGENT = "agent", "Authorized agent"


class BrandMember(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="brand_memberships")
    role = models.CharField(max_length=16, choices=BrandRole.choices)
    # An agent acts for the owner under an authorization that may end.
    authorized_until = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brand", "user"], name="one_membership_per_brand")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} of {self.brand}"


class RightKind(models.TextChoices):
    TRADEMARK = "trademark", "Trademark"
    PATENT = "patent", "Patent"
    DESIGN = "design", "Design"
    COPYRIGHT = "copyright", "Copyright"


class RightStatus(models.TextChoices):
    PENDING = "pending", "Pending verification"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"


class IPRight(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="rights")
    kind = models.CharField(max_length=16, choices=RightKind.choices)
    office = models.CharField(max_length=32, blank=True)
    registration_number = models.CharField(max_length=64, blank=True)
    # Trademark: the mark text; other kinds: the title of the patent, design or work.
    name = models.CharField(max_length=200)
    nice_classes = models.JSONField(default=list, blank=True)
    registered_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=RightStatus.choices, default=RightStatus.PENDING)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["brand__name", "kind", "name"]
        verbose_name = "IP right"

    def __str__(self) -> str:
        reg = f" {self.office} {self.registration_number}".rstrip()
        return f"{self.get_kind_display()} “{self.name}”{reg}"

    @property
    def is_verified(self) -> bool:
        return self.status == RightStatus.VERIFIED
