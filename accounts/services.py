"""Writes for accounts: self-service sign-up of rights holders with e-mail verification, and the
accounts other apps create from a link that already proves the address (a brand's invitation, the
marketplace's seller link). Each one transaction with its audit entry; mail goes out after commit.

A new account's username is its e-mail address, so a person logs in with what they signed up with.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from audit.services import audit_append

from .models import Role


class AccountError(Exception):
    """A sign-up that cannot go ahead; `field` names the form field it is about, if any."""

    def __init__(self, message: str, field: str | None = None):
        self.field = field
        super().__init__(message)


class _VerificationTokens(PasswordResetTokenGenerator):
    """One-time e-mail verification links: the hash covers is_active and the password, so the link
    dies once used (the account is active) or once the sign-up is repeated (a new password)."""

    key_salt = "accounts.services.signup-verification"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.is_active}{user.email}{timestamp}"


verification_tokens = _VerificationTokens()


def _active_account_with(email: str):
    return get_user_model().objects.filter(email__iexact=email, is_active=True).first()


def account_email_taken(email: str) -> bool:
    return _active_account_with(email) is not None


def account_signup(*, email: str, name: str, password: str):
    """Create an inactive rights-holder account and mail the link that verifies its address.

    Signing up again with an address still unverified replaces the password and sends a new link
    (the old one stops working). An address with an active account is refused.
    """
    User = get_user_model()
    email = email.strip().lower()
    if len(email) > 150:
        raise AccountError("This e-mail address is too long to be a username (150 characters at most).",
                           field="email")
    if account_email_taken(email):
        raise AccountError("An account with this e-mail address already exists. Log in, or reset your "
                           "password from the log-in page.", field="email")
    first, _, last = name.strip().partition(" ")
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=email, is_active=False).first()
        if user is None:
            if User.objects.filter(username=email).exists():
                raise AccountError("This e-mail address cannot sign up here. Write to the portal's support.",
                                   field="email")
            user = User(username=email, email=email, role=Role.RIGHTS_HOLDER, is_active=False)
        user.first_name, user.last_name = first[:150], last[:150]
        user.set_password(password)
        user.save()
        audit_append(actor=None, action="account.signed_up", target=user, data={"email": email})
        link = settings.SITE_URL + verification_link(user)
        transaction.on_commit(lambda: send_mail(
            "Confirm your e-mail address for IP Portal",
            f"Hello {user.display_name},\n\nOpen this link to confirm your address and start using IP Portal:\n"
            f"{link}\n\nThe link works once and for {settings.PASSWORD_RESET_TIMEOUT // 86400} days. If you did "
            "not sign up, ignore this message: no account is opened without it.\n",
            None, [email]))
    return user


def verification_link(user) -> str:
    return reverse("signup_verify", args=[urlsafe_base64_encode(force_bytes(user.pk)),
                                         verification_tokens.make_token(user)])


def account_verify(*, user, token: str) -> bool:
    """Activate the account when `token` is its live verification token. False otherwise."""
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        if user.is_active or not verification_tokens.check_token(user, token):
            return False
        if account_email_taken(user.email):  # another account took the address meanwhile
            return False
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_append(actor=user, action="account.verified", target=user, data={"email": user.email})
    return True


def account_create_verified(*, email: str, name: str, password: str, role: str, via: str):
    """An active account for an address a link already proved (an invitation, a marketplace link).
    Run it inside the caller's transaction. Refused when the address already has an account."""
    User = get_user_model()
    email = email.strip().lower()
    if account_email_taken(email) or User.objects.filter(username=email, is_active=True).exists():
        raise AccountError("An account with this e-mail address already exists: log in to continue.",
                           field="email")
    User.objects.filter(username=email, is_active=False).delete()  # an unfinished sign-up of the same person
    first, _, last = name.strip().partition(" ")
    user = User(username=email, email=email, role=role, first_name=first[:150], last_name=last[:150])
    user.set_password(password)
    user.save()
    audit_append(actor=user, action="account.created", target=user, data={"email": email, "via": via})
    return user
