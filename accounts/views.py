import logging

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.authtoken.models import Token

from common.ratelimit import client_ip, form_filled_by_bot, rate_limited

from .forms import SignupForm
from .permissions import require_api_user
from .services import AccountError, account_signup, account_verify
from .tokens import api_token_create, api_token_revoke

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
            log.warning("sign-up refused as automated (%s) from %s", bot, client_ip(request))
            form.add_error(None, "We could not accept this form. Wait a few seconds and send it again.")
        elif (rate_limited(scope="signup-ip", key=client_ip(request), limit=SIGNUPS_PER_IP_PER_HOUR,
                           window_seconds=3600)
              or rate_limited(scope="signup-email", key=data["email"], limit=SIGNUPS_PER_EMAIL_PER_HOUR,
                              window_seconds=3600)):
            log.warning("sign-up rate limit hit from %s", client_ip(request))
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
    current = Token.objects.filter(user=request.user).first()
    return render(request, "accounts/api_token.html", {"created": created, "current": current})
