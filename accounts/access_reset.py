"""An administrator resets another person's sign-in: their second factor (authenticator and
recovery codes: they enrol again at their next login, as staff must) and their login lockout
(django-axes' failed attempts). Each with a reason, audited, and the person is told by e-mail."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_append

from .permissions import is_admin

RESET_REASON_MIN_CHARS = 10


class AccessResetError(Exception):
    def __init__(self, message: str, field: str | None = None):
        self.field = field
        super().__init__(message)


def login_locked(user) -> bool:
    """Is any address locked out of this account now (AXES_FAILURE_LIMIT failures within the cool-off)?"""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(username=user.get_username(), attempt_time__gte=since,
                                        failures_since_start__gte=settings.AXES_FAILURE_LIMIT).exists()


def login_failures(user) -> int:
    from axes.models import AccessAttempt

    return sum(AccessAttempt.objects.filter(username=user.get_username())
               .values_list("failures_since_start", flat=True))


def account_access_reset(*, user, by, two_factor: bool, lockout: bool, reason: str) -> dict[str, int]:
    """`by` (an administrator, not `user`) removes `user`'s two-factor devices and/or login lockout.

    Returns what was removed ({"devices": n, "attempts": n}); writes one audit entry per reset
    (two_factor.reset, login_lockout.reset) with the reason; mails `user` after commit."""
    if not is_admin(by):
        raise AccessResetError("Only administrators reset another person's sign-in.")
    if by.pk == user.pk:
        raise AccessResetError("Ask another administrator to reset your own sign-in.")
    if not (two_factor or lockout):
        raise AccessResetError("Choose what to reset: the second factor, the lockout, or both.", field="two_factor")
    reason = reason.strip()
    if len(reason) < RESET_REASON_MIN_CHARS:
        raise AccessResetError(f"Give the reason in at least {RESET_REASON_MIN_CHARS} characters, such as how "
                               "you confirmed who asked.", field="reason")
    done = {"devices": 0, "attempts": 0}
    with transaction.atomic():
        if two_factor:
            totp = TOTPDevice.objects.filter(user=user)
            static = StaticDevice.objects.filter(user=user)
            done["devices"] = totp.count() + static.count()
            totp.delete()
            static.delete()
            audit_append(actor=by, action="two_factor.reset", target=user,
                         data={"reason": reason, "devices": done["devices"]})
        if lockout:
            from axes.models import AccessAttempt

            done["attempts"], _ = AccessAttempt.objects.filter(username=user.get_username()).delete()
            audit_append(actor=by, action="login_lockout.reset", target=user,
                         data={"reason": reason, "attempts": done["attempts"]})
        if user.email:
            body = _mail_body(two_factor=two_factor, lockout=lockout, reason=reason)
            transaction.on_commit(lambda: send_mail("Your IP Portal sign-in was reset", body, None, [user.email]))
    return done


def _mail_body(*, two_factor: bool, lockout: bool, reason: str) -> str:
    what = []
    if two_factor:
        what.append("Your two-step sign-in (authenticator app and recovery codes) was removed. At your next "
                    "login you set up an authenticator again; your old recovery codes no longer work.")
    if lockout:
        what.append("The lockout after wrong passwords was lifted: you can log in again now.")
    return ("An administrator of IP Portal reset your sign-in.\n\n" + "\n\n".join(what)
            + f"\n\nThe reason recorded: {reason}\n\nIf you did not ask for this, tell your trust-and-safety "
              "contact at once and change your password.\n")
