"""Seller accounts, created or linked by the marketplace, never guessed by the portal.

The marketplace knows which of its sellers a person acts for; the portal does not, and never
infers it from a name or an e-mail domain. So a person gets Seller Center for a seller only when
the marketplace's service account says so (POST /api/v1/sellers/<external_id>/accounts/):
- the address has an active seller account: it is linked to the seller;
- the address has no account: one is created, with no password, and a one-time link to set the
  password is mailed to the address and returned to the marketplace (its seller console may
  send the person straight there);
- the address belongs to a rights holder, reviewer or the like: refused, roles never mix.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Role
from accounts.permissions import is_seller, require_marketplace
from audit.services import audit_append

from .models import Seller, SellerMember


class SellerAccountError(Exception):
    def __init__(self, message: str, field: str | None = None):
        self.field = field
        super().__init__(message)


def password_setup_path(user) -> str:
    """Django's password-reset confirmation: one-time (the token dies once the password is set)."""
    return reverse("password_reset_confirm", args=[urlsafe_base64_encode(force_bytes(user.pk)),
                                                   default_token_generator.make_token(user)])


def seller_account_link(*, seller: Seller, email: str, name: str, by) -> tuple[object, bool, str]:
    """Give the person at `email` Seller Center for `seller`, as the marketplace asks.

    Returns (user, created, setup_url): setup_url is the one-time password link of a new account
    ("" when the account existed). Mail goes out after commit."""
    require_marketplace(by, "Only the marketplace's service account links seller accounts.")
    User = get_user_model()
    email = email.strip().lower()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email, is_active=True).order_by("id").first()
        created = user is None
        if user is not None and not is_seller(user):
            raise SellerAccountError(f"{email} belongs to an account that is not a seller's; use another "
                                     "address for Seller Center.", field="email")
        if created:
            if User.objects.filter(username=email).exists():
                raise SellerAccountError(f"{email} is taken by an inactive account; ask the portal's support.",
                                         field="email")
            first, _, last = name.strip().partition(" ")
            user = User(username=email, email=email, role=Role.SELLER, first_name=first[:150], last_name=last[:150])
            user.set_unusable_password()
            user.save()
        _, joined = SellerMember.objects.get_or_create(seller=seller, user=user)
        if created or joined:
            audit_append(actor=by, action="seller_account.linked", target=seller,
                         data={"user": user.username, "created": created})
        setup_url = settings.SITE_URL + password_setup_path(user) if created else ""
        center = settings.SITE_URL + reverse("sellers:seller_center")
        body = (f"{seller.name}'s marketplace account opened IP Portal's Seller Center for you: notices about your "
                "listings, their reasons, and how to appeal.\n")
        body += (f"Choose your password here (the link works once):\n{setup_url}\nYour username is {email}.\n"
                 if created else f"Log in as usual:\n{center}\n")
        if created or joined:
            transaction.on_commit(lambda: send_mail(f"Seller Center for {seller.name} on IP Portal", body, None,
                                                    [email]))
    return user, created, setup_url
