"""Open notices (DSA Art. 16): anyone without an account reports listings for IP infringement.

The notice is kept as typed (OpenNotice) and enters the review queue only once the notifier opened
the link mailed to the address given: then it becomes a Report whose cases have the source "open
notice" and go to the lowest lane (Priority.UNREGISTERED), like any right nobody verified. The
notifier follows it through a link signed with the site's key (no account, no password); the
e-mails of the report (received, decided) carry that link (complaints.templatetags.open_notice_tags).

Who the notifier is in the data: an inactive account without a role, one per e-mail address, that
can never log in. It is the Report's reporter, so the misuse rules (complaints.sanctions) count
and suspend an abusive notifier like any other. The right relied on becomes an unregistered right
of the one brand that holds open notices (Brand.holds_open_notices), which has no members.
"""

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from accounts.models import NOTIFIER_USERNAME_PREFIX
from audit.services import audit_append
from listings.models import Listing
from listings.selectors import listings_by_external_ids, parse_listing_refs
from notifications.services import notify_on_commit
from registry.models import Brand, IPRight, RightKind

from .models import CaseSource, OpenNotice, Priority, Report, ReporterCapacity
from .services import ReportError, _check_not_suspended, _open_cases

# The kinds a person without an account can rely on: those that exist without a registration here.
# A patent exists only once granted, so a patent report needs the granted patent in a brand's registry.
OPEN_KINDS = (RightKind.TRADEMARK, RightKind.DESIGN, RightKind.COPYRIGHT)
MAX_LISTINGS_PER_OPEN_NOTICE = 50
CONFIRM_MAX_AGE = 7 * 24 * 3600
OPEN_NOTICES_BRAND_NAME = "Notices from the public"
_CONFIRM_SALT = "complaints.open_notices.confirm"
_FOLLOW_SALT = "complaints.open_notices.follow"


def open_notice_listings(text: str) -> tuple[list[Listing], list[str]]:
    """The listings named in `text` (URLs or ids), and the references that match none."""
    refs = parse_listing_refs(text)
    found = listings_by_external_ids(ids=refs)
    return [found[r] for r in refs if r in found], [r for r in refs if r not in found]


def open_notice_submit(*, name: str, email: str, capacity: str, kind: str, right_name: str, rights_owner: str,
                       registration: str, infringement_type: str, listings_text: str, explanation: str,
                       declarations: dict[str, bool], signature: str, client_ip: str | None) -> OpenNotice:
    """Keep the notice as typed and mail the confirmation link; nothing reaches the queue before it."""
    if kind not in OPEN_KINDS:
        raise ReportError("Choose a trademark, a design or a copyright.", field="kind")
    if capacity not in ReporterCapacity.values:
        raise ReportError("Say whether you own the right or act for its owner.", field="capacity")
    if kind == RightKind.TRADEMARK and not infringement_type:
        raise ReportError("Say how the listing infringes the trademark.", field="infringement_type")
    if not all(declarations.get(k) for k in ("good_faith", "accurate", "authority")):
        raise ReportError("Tick every declaration to send the notice.", field="declarations")
    listings, unknown = open_notice_listings(listings_text)
    if unknown:
        raise ReportError(f"No listing found for: {', '.join(unknown[:5])}. Paste the listing's address as "
                          "shown in your browser.", field="listings")
    if not listings:
        raise ReportError("Add at least one listing.", field="listings")
    if len(listings) > MAX_LISTINGS_PER_OPEN_NOTICE:
        raise ReportError(f"{len(listings)} listings given; a notice without an account takes at most "
                          f"{MAX_LISTINGS_PER_OPEN_NOTICE}. Sign up as a rights holder to report more.",
                          field="listings")
    with transaction.atomic():
        notice = OpenNotice.objects.create(
            name=name.strip(), email=email.strip().lower(), capacity=capacity, kind=kind,
            right_name=right_name.strip(), rights_owner=rights_owner.strip(), registration=registration.strip(),
            infringement_type=infringement_type if kind == RightKind.TRADEMARK else "",
            listings=listings_text, explanation=explanation, signature=signature.strip(), client_ip=client_ip)
        audit_append(actor=None, action="open_notice.filed", target=notice,
                     data={"listings": [lst.external_id for lst in listings], "kind": kind})
        link = settings.SITE_URL + open_notice_confirm_path(notice)
        transaction.on_commit(lambda: send_mail(
            f"Confirm your notice {notice.reference} to IP Portal",
            f"Hello {notice.name},\n\nYou reported {len(listings)} listing{'s' if len(listings) != 1 else ''} for "
            f"infringing the {notice.get_kind_display().lower()} “{notice.right_name}”.\n"
            f"Open this link to confirm your e-mail address; only then does a reviewer see your notice:\n{link}\n\n"
            "The link works for 7 days. If you did not send this notice, ignore this message: nothing happens "
            "without it.\n", None, [notice.email]))
    return notice


def open_notice_confirm_path(notice: OpenNotice) -> str:
    return reverse("open_notice_confirm", args=[signing.dumps(notice.pk, salt=_CONFIRM_SALT)])


def open_notice_follow_path(notice: OpenNotice) -> str:
    """One link per notice, the same in every e-mail (it carries no time: it never expires)."""
    return reverse("open_notice_follow", args=[signing.Signer(salt=_FOLLOW_SALT).sign(str(notice.pk))])


def open_notice_for_confirm_token(token: str) -> OpenNotice | None:
    """The notice a confirmation link names, while the link is valid; None otherwise."""
    try:
        pk = signing.loads(token, salt=_CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    return OpenNotice.objects.filter(pk=pk).first()


def open_notice_for_follow_token(token: str) -> OpenNotice:
    """The notice a follow link names (the link is the notifier's only key): 404 otherwise."""
    try:
        pk = int(signing.Signer(salt=_FOLLOW_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        try:  # links mailed before they were made stable carried a time stamp
            pk = signing.loads(token, salt=_FOLLOW_SALT)
        except signing.BadSignature:
            pk = None
    return get_object_or_404(OpenNotice.objects.select_related("report"), pk=pk)


def _open_notices_brand() -> Brand:
    brand = Brand.objects.filter(holds_open_notices=True).first()
    if brand is not None:
        return brand
    name = OPEN_NOTICES_BRAND_NAME
    if Brand.objects.filter(name__iexact=name).exists():  # a real brand took the name: never reuse it
        name = f"{name} (IP Portal)"
    try:
        with transaction.atomic():
            return Brand.objects.create(name=name, owner_company="Members of the public", country="ZZ",
                                        holds_open_notices=True)
    except IntegrityError:  # created meanwhile by another confirmation
        return Brand.objects.get(holds_open_notices=True)


def _notifier_account(notice: OpenNotice):
    """The inactive, role-less account that stands for the notifier's e-mail address."""
    User = get_user_model()
    username = NOTIFIER_USERNAME_PREFIX + hashlib.sha256(notice.email.encode()).hexdigest()[:20]
    user, created = User.objects.get_or_create(
        username=username, defaults={"email": notice.email, "is_active": False, "first_name": notice.name[:150]})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def open_notice_confirm(*, notice: OpenNotice) -> Report:
    """Confirm the notifier's address and file the notice: a Report with one case per listing, in
    the lowest lane, source open notice. Idempotent: a second click returns the same report."""
    with transaction.atomic():
        notice = OpenNotice.objects.select_for_update().get(pk=notice.pk)  # two clicks at once file once
        if notice.report_id is not None:
            return notice.report
        listings, unknown = open_notice_listings(notice.listings)
        if unknown or not listings:
            raise ReportError("A listing of this notice is no longer on the marketplace. Send a new notice.")
        reporter = _notifier_account(notice)
        brand = _open_notices_brand()
        _check_not_suspended(reporter=reporter, brand=brand)
        description = (f"Described in open notice {notice.reference} by {notice.name} "
                       f"({notice.get_capacity_display().lower()}). Rights owner: {notice.rights_owner}."
                       + (f" Registration given: {notice.registration}." if notice.registration else ""))
        right = IPRight.objects.create(brand=brand, kind=notice.kind, name=notice.right_name, registered=False,
                                       description=description, submitted_by=reporter)
        now = timezone.now()
        report = Report.objects.create(
            brand=brand, right=right, reporter=reporter, kind=notice.kind, capacity=notice.capacity,
            infringement_type=notice.infringement_type, details={}, explanation=notice.explanation,
            contact_email=notice.email, decl_good_faith=True, decl_accurate=True, decl_authority=True,
            signature=notice.signature, signed_at=notice.created_at)
        notice.confirmed_at, notice.report = now, report
        notice.save(update_fields=["confirmed_at", "report"])
        audit_append(actor=reporter, action="report.submitted", target=report,
                     data={"listings": [lst.external_id for lst in listings], "right": right.pk,
                           "open_notice": notice.pk})
        _open_cases(report=report, listings=listings, reporter=reporter, source=CaseSource.OPEN_NOTICE,
                    priority=Priority.UNREGISTERED)
        notify_on_commit("report_received", report.pk)
    return report
