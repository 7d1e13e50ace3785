from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    RIGHTS_HOLDER = "rights_holder", "Rights holder"
    REVIEWER = "reviewer", "Reviewer"
    SENIOR_REVIEWER = "senior_reviewer", "Senior reviewer"
    SELLER = "seller", "Seller"
    MARKETPLACE = "marketplace", "Marketplace service account"


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
    def display_name(self) -> str:
        return self.get_full_name() or self.username
