import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.ratelimit import client_address, form_filled_by_bot, rate_exceeded

from .forms import SignupForm
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
from .services import AccountError, account_signup, account_verify
from .tokens import api_token_create, api_token_current, api_token_revoke

log = logging.getLogger(__name__)

# Named: with more than one backend configured (e.g. a lockout backend), login() needs it.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
SIGNUPS_PER_IP_PER_HOUR = 10
SIGNUPS_PER_EMAIL_PER_HOUR = 3


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Anonymous visitors: what the portal is and the ways in. Each role: links to its work and
    what waits on them."""
    if not request.user.is_authenticated:
        return render(request, "landing.html")
    return render(request, "home.html")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """A rights holder opens an account; it works once the e-mail address is confirmed."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        bot = form_filled_by_bot(stamp=data["started"], honeypot=data["website"])
        if bot:
            log.warning("sign-up refused as automated (%s) from %s", bot, client_address(request))
            form.add_error(None, "We could not accept this form. Wait a few seconds and send it again.")
        elif (rate_exceeded(scope="signup-ip", key=client_address(request), limit=SIGNUPS_PER_IP_PER_HOUR,
                           window_seconds=3600)
              or rate_exceeded(scope="signup-email", key=data["email"], limit=SIGNUPS_PER_EMAIL_PER_HOUR,
                              window_seconds=3600)):
            log.warning("sign-up rate limit hit from %s", client_address(request))
            form.add_error(None, "Too many sign-ups from here in the last hour. Try again in an hour.")
        else:
            try:
                account_signup(email=data["email"], name=data["name"], password=data["password1"])
            except AccountError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                return render(request, "accounts/signup_sent.html", {"email": data["email"]})
    return render(request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def signup_verify(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link from the sign-up e-mail: activate, log in, and go on to register the brand."""
    try:
        user = get_user_model().objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, get_user_model().DoesNotExist):
        user = None
    if user is not None and account_verify(user=user, token=token):
        user.refresh_from_db()
        login(request, user, backend=MODEL_BACKEND)
        messages.success(request, "Your e-mail address is confirmed. Next: register the brand you act for.")
        return redirect("registry:brand_new")
    return render(request, "accounts/signup_link_invalid.html", status=400)


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
