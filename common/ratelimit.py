"""Rate limits: fixed windows counted in the cache, answered with 429 and Retry-After; and the two
cheap checks public forms (sign-up, the open notice form) make against bots.

Each limit is named in settings.RATE_LIMITS ("<count>/<n><unit>", e.g. "120/hour", "30/10minute").
`rate_take(scope, ident)` counts one request and says how long to wait when over; the DRF throttles
and the decorator and middleware below all use it, so a form and the API share one count (report
filing). Counters live in Django's cache: with CACHE_URL (Redis) every process shares them.
"""

import functools
import hashlib
import logging
import re
import time
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from rest_framework.throttling import BaseThrottle

from common import dates

log = logging.getLogger("ipportal.security")

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(second|minute|hour|day)s?\s*$")


def rate_parse(rate: str) -> tuple[int, int]:
    """'120/hour' -> (120, 3600); '30/10minute' -> (30, 600)."""
    match = _RATE.match(rate)
    if not match:
        raise ValueError(f"A rate is '<count>/<unit>' with a unit of second, minute, hour or day, not {rate!r}")
    count, many, unit = match.groups()
    return int(count), int(many or 1) * _UNITS[unit]


def rate_take(scope: str, ident: str, *, rate: str | None = None) -> int | None:
    """Count one request of `ident` against the limit `scope`; None if allowed, else the seconds
    until the window ends (for Retry-After)."""
    limit, period = rate_parse(rate or settings.RATE_LIMITS[scope])
    now = time.time()
    window = int(now // period)
    key = f"ratelimit:{scope}:{ident}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        used = 1
    if used <= limit:
        return None
    wait = max(1, int((window + 1) * period - now + 0.999))
    if used == limit + 1:  # once per window, not on every refused request
        log.warning("rate limit %s reached by %s (%s)", scope, ident, settings.RATE_LIMITS.get(scope, rate))
    return wait


def rate_exceeded(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt of `key` (an address, an e-mail address: hashed, never stored as given)
    against `limit` per `window_seconds`; True once over. For public forms that keep what was typed
    and answer with a message instead of a bare 429."""
    digest = hashlib.sha256(key.lower().encode()).hexdigest()[:32]
    return rate_take(scope, digest, rate=f"{limit}/{window_seconds}second") is not None


def client_address(request) -> str:
    """The caller's address. Behind a proxy, REMOTE_ADDR is the proxy's unless the server sets it
    from the forwarded header (gunicorn's --forwarded-allow-ips); docs/operations.md says so."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def wait_words(wait: int) -> str:
    """When a refused request may be made again, for a person: "in 12 minutes (at 14:05 UTC)"."""
    minutes = max(1, round(wait / 60))
    at = timezone.localtime(timezone.now() + timedelta(seconds=wait))
    return f"in {minutes} minute{'s' if minutes != 1 else ''} (at {dates.clock(at)})"


def too_many(wait: int, what: str) -> HttpResponse:
    response = HttpResponse(f"Too many {what}. Try again {wait_words(wait)}.",
                            status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(wait)
    return response


def rate_limited(scope: str, *, what: str, key=None, methods=("POST",)):
    """Refuse a view's `methods` beyond settings.RATE_LIMITS[scope], counted per user (signed in) or
    per address; `key(request)` may name another identity, or None to not count the request."""
    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                ident = key(request) if key else _who(request)
                wait = rate_take(scope, ident) if ident is not None else None
                if wait is not None:
                    return too_many(wait, what)
            return view(request, *args, **kwargs)
        return wrapped
    return decorate


def _who(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_address(request)}"


# --- uploads ----------------------------------------------------------------------------------
# Checked where the form is validated, not before the view: a request over the limit gets its
# form back with everything typed, the file field saying the files were not taken and when they
# can be sent again (429, Retry-After). The API answers JSON (UploadThrottle).


def uploads_wait(request) -> int | None:
    """Count a request carrying files (at least one; an empty file part is none, Django drops it)
    against RATE_LIMITS["uploads"] for its user, once per request; None if its files may be taken,
    else the seconds until they may."""
    if not hasattr(request, "_uploads_wait"):
        carries = request.method == "POST" and request.content_type == "multipart/form-data" and bool(request.FILES)
        request._uploads_wait = rate_take("uploads", _who(request)) if carries else None
    return request._uploads_wait


def uploads_refusal(wait: int) -> str:
    """What a form says on its file field when the uploads limit refused this request's files."""
    return (f"Files not taken: you reached the upload limit ({settings.RATE_LIMITS['uploads']} requests with "
            f"files). You can upload again {wait_words(wait)}. Nothing you typed was lost; pick the files "
            "again then.")


def uploads_refuse(request, form, field: str) -> bool:
    """For a form with a file field: over the uploads limit, the error on `field` that makes the form
    invalid, so its view stores nothing and shows the form again as typed. True if refused."""
    wait = uploads_wait(request)
    if wait is None:
        return False
    form.add_error(field, uploads_refusal(wait))
    return True


def uploads_limited(view):
    """A view whose forms take files: its request is counted against RATE_LIMITS["uploads"] (the
    forms refuse the files with uploads_refuse, or evidence.forms.uploads_carry); the form shown
    again over the limit is answered 429 with Retry-After."""
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        wait = uploads_wait(request)
        response = view(request, *args, **kwargs)
        if wait is not None:
            if 300 <= response.status_code < 400:
                # The view took the request as if it carried no files: a form that never asked.
                log.error("uploads over the limit but %s redirected: its form does not refuse them",
                          view.__name__)
            else:
                # Another limit may have answered 429 already (the report form's filing limit): the later time.
                before = int(response["Retry-After"]) if response.status_code == 429 and response.has_header(
                    "Retry-After") else 0
                response.status_code = 429
                response["Retry-After"] = str(max(wait, before))
        return response
    wrapped.uploads_limited = True
    return wrapped


class _PortalThrottle(BaseThrottle):
    scope = ""

    def ident_for(self, request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request, view):
        ident = self.ident_for(request)
        self._wait = rate_take(self.scope, ident) if ident is not None else None
        return self._wait is None

    def wait(self):
        return self._wait


class ApiUserThrottle(_PortalThrottle):
    """Per token: one token per user, so per user."""
    scope = "api"

    def ident_for(self, request):
        return f"user:{request.user.pk}" if request.user and request.user.is_authenticated else None


class ApiAnonThrottle(_PortalThrottle):
    scope = "api_anon"

    def ident_for(self, request):
        return None if request.user and request.user.is_authenticated else f"ip:{client_address(request)}"


class UploadThrottle(_PortalThrottle):
    """An API call carrying files: the same count as the upload forms (uploads_wait), per token's
    user; answered by DRF with JSON, 429 and Retry-After."""
    scope = "uploads"

    def ident_for(self, request):
        if request.method != "POST" or not request.FILES:
            return None
        if request.user and request.user.is_authenticated:
            return f"user:{request.user.pk}"
        return f"ip:{client_address(request)}"


class ReportFilingThrottle(_PortalThrottle):
    """Filing a report through the API: the same count as the report form."""
    scope = "report_filing"

    def ident_for(self, request):
        if request.method != "POST" or not (request.user and request.user.is_authenticated):
            return None
        return f"user:{request.user.pk}"


# --- public forms against bots ---------------------------------------------------------------------
# A person takes longer than settings.FORM_MIN_SECONDS (3 s) to fill a form; a bot posting at once does
# not. A form rendered longer ago than this is stale (its time stamp may have been harvested).
MAX_FORM_SECONDS = 24 * 3600
_SALT = "common.ratelimit.form-started"


def form_started_stamp() -> str:
    """A signed time stamp for a hidden field: when the form was shown."""
    return signing.dumps(int(time.time()), salt=_SALT)


def form_filled_by_bot(*, stamp: str, honeypot: str, now: float | None = None) -> str | None:
    """Why this post looks automated (a hidden field filled, posted too fast, a forged or stale
    stamp), or None. People never see the honeypot field, so they leave it empty."""
    if honeypot:
        return "honeypot field filled"
    try:
        started = signing.loads(stamp or "", salt=_SALT)
    except signing.BadSignature:
        return "missing or forged form stamp"
    elapsed = (now or time.time()) - int(started)
    if elapsed < settings.FORM_MIN_SECONDS:
        return f"posted {elapsed:.1f}s after the form was shown"
    if elapsed > MAX_FORM_SECONDS:
        return "stale form stamp"
    return None
