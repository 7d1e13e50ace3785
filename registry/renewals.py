"""Renewal of a registered right: a new expiry date backed by the office's renewal document.

What renewal does to verification: the right goes back to pending verification (registry/states.py:
verified → pending, expired → pending) with its new expiry date, and a reviewer verifies it again
the usual way (the office record, the renewal document, a code to the correspondent). A renewed
registration is a claim like any other until someone has checked it, and the old verification was
of the old term. While pending, the right still supports reports (at the lower lane) but is not
watched by automatic protection.

When: a verified right within RENEWAL_WINDOW_DAYS of its expiry, or an expired one. A pending right
is corrected instead (right_update); a rejected one too. An expired right whose number was since
registered anew as another live right cannot be renewed: the registration is in the registry once.
"""

from datetime import date, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_append
from audit.transitions import transition
from common import dates

from .documents import right_file_accept
from .models import DocumentRole, IPRight, RightDocument, RightKind, RightStatus
from .selectors import require_brand_admin
from .services import RegistryError, _invalidate_codes, registration_taken
from .signals import protection_changed_on_commit
from .states import RIGHT_TRANSITIONS

# Offices accept renewals months before expiry (EUIPO: six months; USPTO §8/§9: one year); 90 days
# is when the portal starts offering it, so a brand renews while its verified right still holds.
RENEWAL_WINDOW_DAYS = 90


def right_renewal_refusal(*, right: IPRight, today: date | None = None) -> str | None:
    """Why `right` cannot be renewed now, in words for its brand, or None when it can."""
    today = today or timezone.localdate()
    if not right.registered:
        return f"{right} was described in a report and has no registration to renew."
    if right.is_expired:
        return None
    if right.is_verified:
        if right.expires_on is None:
            return f"{right} has no expiry date, so there is nothing to renew."
        if right.expires_on > today + timedelta(days=RENEWAL_WINDOW_DAYS):
            return (f"{right} expires on {dates.day(right.expires_on)}; it can be renewed here from "
                    f"{dates.day(right.expires_on - timedelta(days=RENEWAL_WINDOW_DAYS))} "
                    f"({RENEWAL_WINDOW_DAYS} days before).")
        return None
    if right.is_pending:
        return f"{right} is still pending verification: correct its expiry date instead of renewing it."
    return f"{right} was rejected: correct it and send it again instead of renewing it."


def right_renew(*, right: IPRight, by, expires_on: date | None, upload: UploadedFile | None) -> IPRight:
    """Renew a verified right near its expiry, or an expired one: new expiry date and renewal document.

    Requires a brand admin. The document is checked by content and kept (role `renewal`); the right
    returns to pending verification (see the module docstring), its live code dies, and protection
    stops watching its mark until it is verified again. Audited as `ipright.renewed`.
    """
    require_brand_admin(user=by, brand=right.brand)
    refusal = right_renewal_refusal(right=right)
    if refusal:
        raise RegistryError(refusal)
    today = timezone.localdate()
    if expires_on is None:
        raise RegistryError("Enter the new expiry date from the renewal certificate.", field="expires_on")
    if expires_on <= today:
        raise RegistryError(f"The new expiry date {dates.day(expires_on)} is not in the future. Enter the date the "
                            "renewed registration runs to.", field="expires_on")
    if right.expires_on and expires_on <= right.expires_on:
        raise RegistryError(f"The new expiry date must be after the current one ({dates.day(right.expires_on)}).",
                            field="expires_on")
    if upload is None:
        raise RegistryError("Upload the office's renewal certificate or extract: a reviewer checks the renewal "
                            "against it.", field="file")
    if right.is_expired and registration_taken(kind=right.kind, office=right.office,
                                               number=right.registration_number):
        raise _registered_anew(right)
    file = right_file_accept(right=right, by=by, upload=upload)
    try:
        with transaction.atomic():
            # Race: two admins renewing at once, or the daily expiry run; the second sees the first's state.
            locked = IPRight.objects.select_for_update().get(pk=right.pk)
            refusal = right_renewal_refusal(right=locked, today=today)
            if refusal:
                raise RegistryError(refusal)
            previous, was = locked.expires_on, locked.status
            RightDocument.objects.create(right=locked, file=file, role=DocumentRole.RENEWAL, uploaded_by=by)
            _invalidate_codes(right=locked)
            audit_append(actor=by, action="ipright.renewed", target=locked, data={
                "from": was, "expires_on_before": previous, "expires_on": expires_on,
                "file": file.pk, "sha256": file.sha256})
            renewed = transition(obj=locked, to=RightStatus.PENDING, actor=by, table=RIGHT_TRANSITIONS,
                                 field="status", changes={"expires_on": expires_on, "verified_at": None,
                                                          "verified_by": None},
                                 data={"renewed": True})
            if was == RightStatus.VERIFIED and locked.kind == RightKind.TRADEMARK:
                protection_changed_on_commit(brand_id=locked.brand_id, recheck=False)
    except IntegrityError as exc:  # the number was registered anew between the check and the write
        if registration_taken(kind=right.kind, office=right.office, number=right.registration_number,
                              other_than=right.pk):
            raise _registered_anew(right) from exc
        raise
    return renewed


def _registered_anew(right: IPRight) -> RegistryError:
    return RegistryError(f"{right.office} {right.registration_number} was registered again as a new right after this "
                         "one expired, so this one cannot be renewed. Renew or verify the newer right instead.")
