"""Two-factor authentication: TOTP (an authenticator app) with recovery codes (django-otp).

Reviewers, senior reviewers and admins must have it when OTP_REQUIRED_FOR_STAFF is on (they enrol
at their first login); anyone else may turn it on. Once a user has a confirmed device, every login
asks for a code (accounts.middleware.SecondFactorMiddleware). django-otp throttles wrong codes per
device (each failure doubles the wait), and a TOTP code is refused once used.
"""

from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_session_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_append

from .permissions import is_staff_member

TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def otp_required(user) -> bool:
    """Must this user log in with a second factor? Those who enrolled, and staff when required."""
    return otp_enabled(user) or (is_staff_member(user) and settings.OTP_REQUIRED_FOR_STAFF)


def otp_enabled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_enrolment_start(*, user) -> TOTPDevice:
    """The user's unconfirmed authenticator, created on first use: shown as a QR code until a code
    from it confirms it. Starting again keeps the same secret (a reload must not void a scan)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def totp_secret(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode()


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code (inline markup, no script or style: CSP-safe)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, title="Scan with your authenticator app")


def totp_enrolment_confirm(*, user, token: str, request=None) -> list[str] | None:
    """Confirm the pending authenticator with a code from it. Replaces any earlier authenticator
    and issues fresh recovery codes (returned: shown once). None if the code is wrong."""
    token = (token or "").strip().replace(" ", "")
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("id").first()
        if device is None or not device.verify_is_allowed()[0] or not device.verify_token(token):
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_issue(user)
        audit_append(actor=user, action="two_factor.enabled", target=user)
    if request is not None:
        otp_session_login(request, device)
    return codes


def recovery_codes_regenerate(*, user) -> list[str]:
    """New recovery codes; the old ones stop working."""
    with transaction.atomic():
        codes = _recovery_codes_issue(user)
        audit_append(actor=user, action="two_factor.recovery_codes_issued", target=user)
    return codes


def _recovery_codes_issue(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.OTP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def otp_verify(*, user, token: str, request=None):
    """Check a code: six digits from the authenticator, or a recovery code (used up). Returns the
    device that accepted it (and marks the session verified), or None."""
    token = (token or "").strip().replace(" ", "").lower()
    if not token or len(token) > 16:
        return None
    model = TOTPDevice if token.isdigit() else StaticDevice
    with transaction.atomic():
        for device in model.objects.select_for_update().filter(user=user, confirmed=True):
            allowed, _ = device.verify_is_allowed()
            if allowed and device.verify_token(token):
                if model is StaticDevice:
                    audit_append(actor=user, action="two_factor.recovery_code_used", target=user,
                                 data={"left": device.token_set.count()})
                break
        else:
            return None
    if request is not None:
        otp_session_login(request, device)
    return device


def otp_disable(*, user) -> bool:
    """Turn two-factor off: refused for staff while it is required of them."""
    if is_staff_member(user) and settings.OTP_REQUIRED_FOR_STAFF:
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_append(actor=user, action="two_factor.disabled", target=user)
    return True
