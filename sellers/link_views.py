"""The signed one-time link from the marketplace's seller console (listings.seller_accounts)."""

import logging

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.views import MODEL_BACKEND
from listings.seller_accounts import SellerLinkError, seller_link_check, seller_link_use

log = logging.getLogger(__name__)


@require_GET
def seller_link(request: HttpRequest) -> HttpResponse:
    """Link (or create) the seller account the marketplace signed this link for, and log it in; once."""
    try:
        seller, email, name, sig = seller_link_check(request.GET)
        user = request.user if request.user.is_authenticated else None
        user, created = seller_link_use(seller=seller, email=email, name=name, sig=sig, user=user)
    except SellerLinkError as exc:
        log.warning("seller console link refused: %s", exc)
        return render(request, "sellers/link_invalid.html", {"error": str(exc)}, status=400)
    # The marketplace signed this link, for this address, minutes ago, once: it vouches for the person
    # as it does in its own console, so the seller account it names is logged in.
    if not request.user.is_authenticated:
        login(request, user, backend=MODEL_BACKEND)
    messages.success(request, f"Seller Center for {seller.name}" + (": your account is ready. Open it from the "
                     "marketplace's seller console any time." if created else " is linked to your account."))
    response = redirect("sellers:seller_center")
    response["Referrer-Policy"] = "no-referrer"
    return response
