"""Fixed-window rate limits kept in Django's cache, and the two cheap checks against form bots.

Public forms (sign-up, the open notice form) count attempts per client address and per e-mail
address; the cache is shared by every web process when it is Redis or Memcached, and per process
with the default local-memory cache (still a limit, just a looser one).
"""

import hashlib
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

# A person takes longer than settings.FORM_MIN_SECONDS (3 s) to fill a form; a bot posting at once does not.
# A form rendered longer ago than this is stale (its timestamp may have been harvested).
MAX_FORM_SECONDS = 24 * 3600
_SALT = "common.ratelimit.form-started"


def rate_limited(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt for `key` in `scope`; True once more than `limit` were made in the window."""
    digest = hashlib.sha256(f"{scope}:{key}".lower().encode()).hexdigest()[:32]
    bucket = f"rl:{scope}:{digest}:{int(time.time()) // window_seconds}"
    if cache.add(bucket, 1, timeout=window_seconds + 5):
        return False
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=window_seconds + 5)
        return False
    return count > limit


def client_ip(request) -> str:
    """The address the request came from. Behind a proxy, its middleware sets REMOTE_ADDR."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def form_started_stamp() -> str:
    """A signed timestamp for a hidden field: when the form was shown."""
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
