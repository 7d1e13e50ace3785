from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .middleware import OTP_SESSION_KEY
from .otp import (
    otp_disable,
    otp_enabled,
    otp_required,
    otp_verify,
    recovery_codes_regenerate,
    totp_enrolment_confirm,
    totp_enrolment_start,
    totp_qr_svg,
    totp_secret,
)
from .permissions import require_api_user
from .tokens import api_token_create, api_token_current, api_token_revoke


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role's starting point: links to its work, nothing else."""
    return render(request, "home.html")


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    """Create, replace or revoke the user's API token. The key is shown once, right after creation."""
    require_api_user(request.user)
    created = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if api_token_revoke(user=request.user):
                messages.info(request, "Your API token is revoked; calls with it are refused from now on.")
            return redirect("api_token")
        created = api_token_create(user=request.user)
    current = api_token_current(user=request.user)
    expired = bool(current and current.expires_at <= timezone.now())
    return render(request, "accounts/api_token.html", {"created": created, "current": current, "expired": expired})


def login_locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked account+address (AXES_LOCKOUT_CALLABLE): 429 with Retry-After."""
    wait = settings.AXES_COOLOFF_MINUTES * 60
    response = render(request, "registration/locked_out.html", {"minutes": settings.AXES_COOLOFF_MINUTES},
                      status=429)
    response["Retry-After"] = str(wait)
    return response


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_required
@require_GET
def two_factor(request: HttpRequest) -> HttpResponse:
    """The user's two-factor settings: on or off, recovery codes."""
    return render(request, "accounts/two_factor.html", {
        "enabled": otp_enabled(request.user), "required": otp_required(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the key), confirm with a code: then the recovery codes, once."""
    if otp_enabled(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('two_factor_verify')}?next={reverse('two_factor_setup')}")
    device = totp_enrolment_start(user=request.user)
    error = ""
    if request.method == "POST":
        codes = totp_enrolment_confirm(user=request.user, token=request.POST.get("code", ""), request=request)
        if codes is not None:
            request.session[OTP_SESSION_KEY] = "verify"
            return render(request, "accounts/two_factor_codes.html", {"codes": codes, "next": _safe_next(request)})
        error = "That code is not the one your app shows now. Check the phone's clock and type the newest code."
    return render(request, "accounts/two_factor_setup.html", {
        "qr": totp_qr_svg(device), "secret": totp_secret(device), "error": error, "next": _safe_next(request),
        "required": otp_required(request.user),
    }, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of a login: a code from the authenticator app, or a recovery code."""
    if not otp_enabled(request.user):
        return redirect("two_factor_setup")
    error = ""
    if request.method == "POST":
        if otp_verify(user=request.user, token=request.POST.get("code", ""), request=request):
            return redirect(_safe_next(request))
        error = ("That code was not accepted. Type the newest six digits from your app, or one of your "
                 "recovery codes; after several wrong codes each try waits longer.")
    return render(request, "accounts/two_factor_verify.html", {"error": error, "next": _safe_next(request)},
                  status=400 if error else 200)


@login_required
@require_POST
def two_factor_codes(request: HttpRequest) -> HttpResponse:
    if not (otp_enabled(request.user) and request.user.is_verified()):
        return redirect("two_factor")
    codes = recovery_codes_regenerate(user=request.user)
    return render(request, "accounts/two_factor_codes.html", {"codes": codes, "next": reverse("two_factor")})


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    if not request.user.is_verified() or not otp_disable(user=request.user):
        messages.error(request, "Two-factor authentication is required for your role; it stays on.")
    else:
        request.session[OTP_SESSION_KEY] = ""
        messages.info(request, "Two-factor authentication is off. Logins ask for your password only.")
    return redirect("two_factor")
