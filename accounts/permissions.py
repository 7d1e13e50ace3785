"""Who may do what by role: every role check of a page, an API view or a service is one of these.
Object access (which brand's reports, which seller's notices) is checked in each app's selectors,
on top of the role checked here. The message says who the page is for; the 403 page shows it."""

from django.core.exceptions import PermissionDenied
from rest_framework import permissions


def is_reviewer(user) -> bool:
    return bool(user and user.is_authenticated and user.is_reviewer)


def is_senior(user) -> bool:
    return bool(user and user.is_authenticated and user.is_senior_reviewer)


def is_rights_holder(user) -> bool:
    return bool(user and user.is_authenticated and user.is_rights_holder)


def is_seller(user) -> bool:
    return bool(user and user.is_authenticated and user.is_seller)


def is_marketplace(user) -> bool:
    return bool(user and user.is_authenticated and user.is_marketplace)


def is_staff_member(user) -> bool:
    """Trust-and-safety staff and administrators: the people who take listings down or can change
    anything. Their sessions time out when idle, and they log in with a second factor."""
    return bool(user and user.is_authenticated and (user.is_reviewer or user.is_staff or user.is_superuser))


def is_api_user(user) -> bool:
    """Calls the REST API with a token of their own: rights holders (reports) and the marketplace's
    service account (listings, webhooks)."""
    return is_rights_holder(user) or is_marketplace(user)


def require_api_user(user, message: str = "API tokens are for rights holders and the marketplace's "
                                          "service account.") -> None:
    if not is_api_user(user):
        raise PermissionDenied(message)


def require_reviewer(user, message: str = "Only trust-and-safety reviewers can see this page.") -> None:
    """Reviewers and senior reviewers."""
    if not is_reviewer(user):
        raise PermissionDenied(message)


def require_senior(user, message: str = "Only senior reviewers decide appeals.") -> None:
    """Senior reviewers only (appeals, seller suspensions, reporter sanctions, reassigning cases)."""
    if not is_senior(user):
        raise PermissionDenied(message)


def require_rights_holder(user, message: str = "Only rights holders file and follow reports.") -> None:
    if not is_rights_holder(user):
        raise PermissionDenied(message)


def require_seller(user, message: str = "Seller Center is for sellers.") -> None:
    if not is_seller(user):
        raise PermissionDenied(message)


def require_marketplace(user, message: str = "Webhooks are for the marketplace's service account.") -> None:
    if not is_marketplace(user):
        raise PermissionDenied(message)


def is_admin(user) -> bool:
    """Administrators: Django staff or superusers (the people who may reset others' sign-in)."""
    return bool(user and user.is_authenticated and (user.is_staff or user.is_superuser))


def require_admin(user, message: str = "Only administrators can see this page.") -> None:
    if not is_admin(user):
        raise PermissionDenied(message)


class IsRightsHolder(permissions.BasePermission):
    message = "Only rights holders file and follow reports."

    def has_permission(self, request, view):
        return is_rights_holder(request.user)


class IsMarketplace(permissions.BasePermission):
    message = "Only the marketplace's service account can do this."

    def has_permission(self, request, view):
        return is_marketplace(request.user)


class IsMarketplaceForListings(IsMarketplace):
    message = "Only the marketplace's service account can push listings."


class IsMarketplaceForWebhooks(IsMarketplace):
    message = "Webhooks are for the marketplace's service account."
