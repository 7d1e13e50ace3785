from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    RIGHTS_HOLDER = "rights_holder", "Rights holder"
    REVIEWER = "reviewer", "Reviewer"
    SENIOR_REVIEWER = "senior_reviewer", "Senior reviewer"
    SELLER = "seller", "Seller"
    MARKETPLACE = "marketplace", "Marketplace service account"


# The stand-in account of someone who reported through the open notice form (complaints.open_notices):
# its username is this prefix and a hash of their address, which people never read (`person_name`).
NOTIFIER_USERNAME_PREFIX = "notifier-"
PUBLIC_NOTIFIER = "Member of the public (open notice)"


def person_name(username: str) -> str:
    """Who acted, as people read it, from a username (an audit entry's `actor_repr`): an open
    notifier's stand-in account reads as PUBLIC_NOTIFIER."""
    return PUBLIC_NOTIFIER if username.startswith(NOTIFIER_USERNAME_PREFIX) else username


class User(AbstractUser):
    """A person or service account. Brand and seller memberships live with those accounts."""

    role = models.CharField(max_length=32, choices=Role.choices, blank=True)

    @property
    def is_reviewer(self) -> bool:
        return self.role in (Role.REVIEWER, Role.SENIOR_REVIEWER)

    @property
    def is_senior_reviewer(self) -> bool:
        return self.role == Role.SENIOR_REVIEWER

    @property
    def is_rights_holder(self) -> bool:
        return self.role == Role.RIGHTS_HOLDER

    @property
    def is_seller(self) -> bool:
        return self.role == Role.SELLER

    @property
    def is_marketplace(self) -> bool:
        return self.role == Role.MARKETPLACE

    @property
    def is_open_notifier(self) -> bool:
        """The stand-in account of an open notice's notifier: no role, never logs in."""
        return not self.role and self.username.startswith(NOTIFIER_USERNAME_PREFIX)

    @property
    def display_name(self) -> str:
        if self.is_open_notifier:
            return PUBLIC_NOTIFIER
        return self.get_full_name() or self.username


class ApiToken(models.Model):
    """A user's API token, stored as its SHA-256: the key is shown once, at creation, and never
    again (admin shows the prefix). One live token per user; it expires after API_TOKEN_DAYS, and a
    revoked one stays as history."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    prefix = models.CharField(max_length=8, help_text="The key's first characters, to recognise it")
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the key, hex")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=models.Q(revoked_at__isnull=True),
                                    name="one_live_api_token_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
