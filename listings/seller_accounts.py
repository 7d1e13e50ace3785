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

import hashlib
import hmac
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Role
from accounts.permissions import is_seller, require_marketplace
from audit.services import audit_append

from .models import Seller, SellerLinkUse, SellerMember


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


# --- the signed one-time link from the marketplace's seller console -----------------------------
# The console builds /seller/link/?seller=<external id>&email=<address>&name=<name>&expires=<unix time>
# &sig=<hex HMAC-SHA256 with settings.SELLER_LINK_SECRET over "seller\nemail\nname\nexpires">, for the
# seller the person is logged in as there. It lives SELLER_LINK_MAX_AGE seconds at most and works once.

class SellerLinkError(Exception):
    pass


def seller_link_signature(*, seller: str, email: str, name: str, expires: int, secret: str | None = None) -> str:
    key = (secret if secret is not None else settings.SELLER_LINK_SECRET).encode()
    return hmac.new(key, f"{seller}\n{email}\n{name}\n{expires}".encode(), hashlib.sha256).hexdigest()


def seller_link_check(params) -> tuple[Seller, str, str, str]:
    """(seller, email, name, signature) of a valid, unexpired, unused link; SellerLinkError otherwise."""
    if not settings.SELLER_LINK_SECRET:
        raise SellerLinkError("Links from the marketplace's seller console are not set up on this portal.")
    seller_id, email, name = params.get("seller", ""), params.get("email", "").lower(), params.get("name", "")
    try:
        expires = int(params.get("expires", ""))
    except ValueError:
        raise SellerLinkError("This link is incomplete. Open it again from the marketplace's seller console.") from None
    sig = params.get("sig", "")
    expected = seller_link_signature(seller=seller_id, email=email, name=name, expires=expires)
    if not hmac.compare_digest(expected, sig):
        raise SellerLinkError("This link is not valid. Open it again from the marketplace's seller console.")
    now = time.time()
    if expires < now or expires > now + settings.SELLER_LINK_MAX_AGE + 60:
        raise SellerLinkError("This link has expired. Open Seller Center again from the marketplace's seller "
                              "console for a new one.")
    seller = Seller.objects.filter(external_id=seller_id).first()
    if seller is None:
        raise SellerLinkError("The marketplace has not sent this seller to the portal yet. Try again later.")
    if SellerLinkUse.objects.filter(signature_hash=hashlib.sha256(sig.encode()).hexdigest()).exists():
        raise SellerLinkError("This link was already used. Open Seller Center again from the marketplace's "
                              "seller console for a new one.")
    return seller, email, name, sig


def seller_link_use(*, seller: Seller, email: str, name: str, sig: str, user=None):
    """Use a checked link: link `user` (the logged-in seller account of that address), or the
    address's account, created if there is none. Returns (user, created). Once only."""
    User = get_user_model()
    with transaction.atomic():
        try:
            with transaction.atomic():
                SellerLinkUse.objects.create(signature_hash=hashlib.sha256(sig.encode()).hexdigest(), seller=seller,
                                             email=email)
        except IntegrityError:
            raise SellerLinkError("This link was already used.") from None
        if user is None:
            user = User.objects.filter(email__iexact=email, is_active=True).order_by("id").first()
        created = user is None
        if user is not None and (not is_seller(user) or (user.email or "").lower() != email):
            raise SellerLinkError(f"This link is for the seller account of {email}.")
        if created:
            if User.objects.filter(username=email).exists():
                raise SellerLinkError(f"{email} is taken by an inactive account; ask the portal's support.")
            first, _, last = name.strip().partition(" ")
            user = User(username=email, email=email, role=Role.SELLER, first_name=first[:150], last_name=last[:150])
            user.set_unusable_password()
            user.save()
        _, joined = SellerMember.objects.get_or_create(seller=seller, user=user)
        audit_append(actor=None, action="seller_account.linked", target=seller,
                     data={"user": user.username, "created": created, "via": "seller console link"})
    return user, created
