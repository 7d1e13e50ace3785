"""Sessions of staff end after STAFF_SESSION_IDLE_SECONDS without a request."""

import time

from django.conf import settings

from .permissions import is_staff_member

# The session is saved again (its expiry moved) at most once a minute, not on every request: one
# write a minute per active reviewer; the idle limit is kept to within that minute.
_TOUCH_EVERY_SECONDS = 60


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_staff_member(getattr(request, "user", None)):
            session = request.session
            now = int(time.time())
            idle = settings.STAFF_SESSION_IDLE_SECONDS
            if now - session.get("_staff_touched", 0) >= _TOUCH_EVERY_SECONDS or session.get_expiry_age() > idle:
                session["_staff_touched"] = now
                session.set_expiry(idle)
        return self.get_response(request)
