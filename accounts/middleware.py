"""Sessions of staff end after STAFF_SESSION_IDLE_SECONDS without a request; a session owing a second
factor sees only the 2FA pages."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse

from .otp import otp_enabled, otp_required
from .permissions import is_staff_member

# The session is saved again (its expiry moved) at most once a minute, not on every request: one
# write a minute per active reviewer; the idle limit is kept to within that minute.
_TOUCH_EVERY_SECONDS = 60


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_staff_member(getattr(request, "user", None)):
            staff_session_touch(request.session)
        return self.get_response(request)


def staff_session_touch(session, *, force: bool = False) -> None:
    """Move a staff session's end to STAFF_SESSION_IDLE_SECONDS from now (at login, then at most once
    a minute: each move is a session write)."""
    now = int(time.time())
    idle = settings.STAFF_SESSION_IDLE_SECONDS
    if force or now - session.get("_staff_touched", 0) >= _TOUCH_EVERY_SECONDS or session.get_expiry_age() > idle:
        session["_staff_touched"] = now
        session.set_expiry(idle)


# What a session must do before any page: set at login (accounts.apps: user_logged_in), read here,
# so the check costs no query per request. "verify": enter a code; "enrol": staff set TOTP up first.
OTP_SESSION_KEY = "_second_factor"
_OTP_FREE_PREFIXES = ("/account/2fa/", "/accounts/logout/", "/static/")


def second_factor_step(user) -> str:
    if otp_enabled(user):
        return "verify"
    return "enrol" if otp_required(user) else ""


class SecondFactorMiddleware:
    """A signed-in user who must give a second factor sees only the 2FA pages (and Log out) until they
    have; API calls with a token never carry a session and are not concerned."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(_OTP_FREE_PREFIXES):
            step = request.session.get(OTP_SESSION_KEY)
            if step is None:  # a session from before this check existed
                step = request.session[OTP_SESSION_KEY] = second_factor_step(user)
            if step and not user.is_verified():
                return _to_second_factor(request, step)
        return self.get_response(request)


def _to_second_factor(request, step: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Give your second factor first: log in through the portal's pages."},
                            status=403)
    url = reverse("two_factor_verify" if step == "verify" else "two_factor_setup")
    return HttpResponseRedirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
