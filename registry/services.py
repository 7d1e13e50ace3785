"""Writes for brands, members, rights, their verification, and protection rules.

Each function is one transaction with its audit entry; email goes out after commit. Who may do
what is checked here too (selectors.require_brand_admin / require_reviewer), so a caller that
forgot the check in its view still cannot act for another brand.
"""

import hashlib
import hmac
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.permissions import is_rights_holder, is_senior
from accounts.services import AccountError, account_create_verified
from audit.services import audit_append
from audit.transitions import transition
from common import dates

from . import rule_claims
from .countries import is_country
from .models import (
    ApprovalKind,
    Brand,
    BrandInvitation,
    BrandMember,
    BrandRole,
    HoldStatus,
    IPRight,
    ProtectionRule,
    RightKind,
    RightStatus,
    RuleKind,
    RuleMode,
    TermKind,
    VerificationCode,
    WatchedTerm,
)
from .normalize import normalize_term
from .selectors import membership, require_brand_admin, require_reviewer, right_documents_missing
from .signals import brand_hold_reasons, protection_changed_on_commit
from .states import HOLD_TRANSITIONS, RIGHT_TRANSITIONS
from .unregistered import DescribeError, unregistered_right_clean

CODE_TTL = timedelta(days=7)
CODE_MAX_ATTEMPTS = 5


class RegistryError(Exception):
    """A domain rule refused the change; `field` names the form field it is about, if any."""

    def __init__(self, message: str, field: str | None = None):
        self.field = field
        super().__init__(message)


def _mail_on_commit(*, subject: str, body: str, to: str) -> None:
    transaction.on_commit(lambda: send_mail(subject, body, None, [to]))


# --- brands and members -----------------------------------------------------------------------

def brand_create(*, user, name: str, website: str, owner_company: str, country: str) -> Brand:
    """Create a brand with `user` as its first admin."""
    if not is_rights_holder(user):
        raise RegistryError("Only rights-holder accounts can register a brand.")
    if not is_country(country):
        raise RegistryError(f"“{country}” is not an ISO 3166-1 country code.", field="country")
    name = name.strip()
    if Brand.objects.filter(name__iexact=name).exists():
        raise RegistryError(f"A brand named “{name}” is already registered. If it is yours, ask its admin "
                            "to invite you.", field="name")
    hold = " ".join(reason for _, reason in brand_hold_reasons.send(sender=Brand, user=user) if reason)
    with transaction.atomic():
        brand = Brand.objects.create(name=name, website=website, owner_company=owner_company, country=country,
                                     hold_reason=hold[:500],
                                     hold_status=HoldStatus.HELD if hold else HoldStatus.NONE)
        BrandMember.objects.create(brand=brand, user=user, role=BrandRole.ADMIN, added_by=user)
        audit_append(actor=user, action="brand.created", target=brand,
                     data={"country": country, **({"held_for_review": hold[:500]} if hold else {})})
    return brand


HOLD_DECISION_MIN_CHARS = 10


def brand_hold_decide(*, brand: Brand, senior, release: bool, reason: str) -> Brand:
    """A senior reviewer releases a brand held for review (its members may file again) or keeps it
    held, with a reason either way (HOLD_TRANSITIONS; audited as brand.released / brand.kept)."""
    if not is_senior(senior):
        raise RegistryError("Only senior reviewers release brands held for review.")
    reason = reason.strip()
    if len(reason) < HOLD_DECISION_MIN_CHARS:
        raise RegistryError(f"Give the reason in at least {HOLD_DECISION_MIN_CHARS} characters: the brand's "
                            "history keeps it.", field="reason")
    to = HoldStatus.RELEASED if release else HoldStatus.KEPT
    with transaction.atomic():
        return transition(obj=brand, to=to, actor=senior, table=HOLD_TRANSITIONS, field="hold_status",
                          changes={"hold_decision": reason[:2000],
                                   "hold_decided_by": senior, "hold_decided_at": timezone.now()},
                          data={"reason": reason[:2000], "held_because": brand.hold_reason})


def _check_authorization(role: str, authorized_until: date | None) -> None:
    if authorized_until is None:
        return
    if role != BrandRole.AGENT:
        raise RegistryError("Only an agent's authorization has an end date; leave it empty for admins.",
                            field="authorized_until")
    if authorized_until < timezone.localdate():
        raise RegistryError("The authorization end date is in the past.", field="authorized_until")


def brand_member_invite(*, brand: Brand, by, email: str, role: str,
                        authorized_until: date | None = None) -> BrandInvitation:
    """Invite whoever holds `email` to act for the brand: a pending invitation, mailed after commit
    with a one-time link (only its hash is kept). Nobody is added without consent: the invitee
    accepts on the link's page (brand_invitation_accept). The answer and the mail are the same
    whether or not an account with that address exists, so an invitation tells the inviter nothing
    about who has an account; whether the invitee may be a member is checked when they accept."""
    require_brand_admin(user=by, brand=brand)
    email = email.strip().lower()
    _check_authorization(role, authorized_until)
    with transaction.atomic():
        # Only the brand's own members are named here: the inviting admin sees them on the brand page.
        existing = BrandMember.objects.filter(brand=brand, user__email__iexact=email).select_related("user").first()
        if existing is not None:
            raise RegistryError(f"{email} is already a member of {brand} ({existing.get_role_display()}).",
                                field="email")
        pending = BrandInvitation.objects.filter(brand=brand, email=email, accepted_at__isnull=True).first()
        if pending is not None:
            raise RegistryError(f"{email} was already invited on {dates.day(pending.created_at)}; the invitation "
                                "is still open. Cancel it first to send a new one.", field="email")
        token = secrets.token_urlsafe(32)
        invitation = BrandInvitation.objects.create(
            brand=brand, email=email, role=role, authorized_until=authorized_until,
            token_hash=invitation_token_hash(token), invited_by=by,
        )
        audit_append(actor=by, action="brandinvitation.created", target=brand, data={"email": email, "role": role})
        link = settings.SITE_URL + reverse("registry:invitation_accept", args=[token])
        _mail_on_commit(to=email, subject=f"Invitation to join {brand} on IP Portal",
                        body=f"{by.display_name} invited you to act for {brand} as "
                             f"{invitation.get_role_display()}.\nOpen this link to accept or ignore it; there you "
                             f"create your account with this e-mail address, or log in if you have one:\n{link}\n"
                             "Nothing changes until you accept.\n")
    return invitation


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def brand_invitation_accept(*, invitation: BrandInvitation, user) -> BrandMember:
    """Turn a pending invitation for `user`'s email into a membership."""
    if invitation.email != (user.email or "").lower():
        raise RegistryError(f"This invitation was sent to {invitation.email}, not to your account's email.")
    if not is_rights_holder(user):
        raise RegistryError("Brand members must have a rights-holder account.")
    with transaction.atomic():
        # Race: the link and the login hook may accept the same invitation at once.
        inv = BrandInvitation.objects.select_for_update().get(pk=invitation.pk)
        if inv.accepted_at is not None:
            raise RegistryError("This invitation has already been accepted.")
        member, created = BrandMember.objects.get_or_create(
            brand=inv.brand, user=user,
            defaults={"role": inv.role, "authorized_until": inv.authorized_until, "added_by": inv.invited_by},
        )
        inv.accepted_at, inv.accepted_by = timezone.now(), user
        inv.save(update_fields=["accepted_at", "accepted_by"])
        if created:
            audit_append(actor=user, action="brandmember.added", target=inv.brand,
                         data={"user": user.username, "role": inv.role, "invitation": inv.pk})
    return member


def brand_invitation_signup(*, invitation: BrandInvitation, name: str, password: str):
    """Open a rights-holder account for the invited address and accept the invitation with it.

    The link was mailed to that address, so it needs no other verification. Refused when the
    address already has an account (its owner logs in and accepts) or the invitation was used."""
    with transaction.atomic():
        try:
            user = account_create_verified(email=invitation.email, name=name, password=password,
                                           role=Role.RIGHTS_HOLDER, via=f"brand invitation {invitation.pk}")
        except AccountError as exc:
            raise RegistryError(str(exc), field=exc.field) from exc
        brand_invitation_accept(invitation=invitation, user=user)
    return user


def brand_invitation_cancel(*, invitation: BrandInvitation, by) -> None:
    require_brand_admin(user=by, brand=invitation.brand)
    with transaction.atomic():
        audit_append(actor=by, action="brandinvitation.cancelled", target=invitation.brand,
                     data={"email": invitation.email})
        BrandInvitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).delete()


def brand_member_remove(*, member: BrandMember, by) -> None:
    """Remove a member; a brand always keeps at least one admin."""
    brand = member.brand
    require_brand_admin(user=by, brand=brand)
    with transaction.atomic():
        # Race: two admins removing each other at once would leave the brand without an admin.
        admins = list(BrandMember.objects.select_for_update().filter(brand=brand, role=BrandRole.ADMIN))
        if member.is_admin and len(admins) <= 1:
            raise RegistryError(f"{member.user.display_name} is the only admin of {brand}. Invite another admin "
                                "before removing them.")
        audit_append(actor=by, action="brandmember.removed", target=brand,
                     data={"user": member.user.username, "role": member.role})
        member.delete()


# --- rights ----------------------------------------------------------------------------------

RIGHT_FIELDS = {"name", "office", "registration_number", "nice_classes", "registered_on", "expires_on",
                "mark_type", "claims", "product", "work_type", "author", "first_published_on"}


def _check_right_fields(kind: str, fields: dict, *, other_than: int | None = None) -> dict:
    unknown = set(fields) - RIGHT_FIELDS
    if unknown:
        raise ValueError(f"not right fields: {sorted(unknown)}")
    registered, expires = fields.get("registered_on"), fields.get("expires_on")
    if registered and expires and expires <= registered:
        raise RegistryError("The expiry date must be after the registration date.", field="expires_on")
    if expires and expires <= timezone.localdate():
        raise RegistryError("This right has already expired; only rights in force can be registered.",
                            field="expires_on")
    number, office = fields.get("registration_number"), fields.get("office")
    if number and registration_taken(kind=kind, office=office, number=number, other_than=other_than):
        raise _taken_error(office, number)
    return fields


def registration_taken(*, kind: str, office: str, number: str, other_than: int | None = None) -> bool:
    """Whether a live right (pending or verified) holds this registration. An expired or rejected one
    does not: the number may be registered anew. The database holds the same rule
    (IPRight one_live_right_per_registration), for the race between two registrations."""
    taken = IPRight.objects.filter(kind=kind, office=office, registration_number=number).exclude(
        status__in=[RightStatus.REJECTED, RightStatus.EXPIRED])
    if other_than is not None:
        taken = taken.exclude(pk=other_than)
    return taken.exists()


def _taken_error(office: str, number: str) -> RegistryError:
    return RegistryError(f"{office} {number} is already in the registry. If it belongs to your brand, "
                         "contact support with the registration extract.", field="registration_number")


def _refuse_if_taken(exc: IntegrityError, kind: str, fields: dict) -> None:
    """Turn a lost race on one_live_right_per_registration into the form's error; re-raise anything else."""
    number, office = fields.get("registration_number"), fields.get("office")
    if number and registration_taken(kind=kind, office=office, number=number):
        raise _taken_error(office, number) from exc
    raise exc


def right_register(*, brand: Brand, by, kind: str, fields: dict) -> IPRight:
    """Register a right of `kind` for the brand; it starts pending verification."""
    require_brand_admin(user=by, brand=brand)
    if kind not in RightKind.values:
        raise RegistryError(f"“{kind}” is not a kind of right.", field="kind")
    _check_right_fields(kind, fields)
    try:
        with transaction.atomic():
            right = IPRight.objects.create(brand=brand, kind=kind, submitted_by=by, **fields)
            audit_append(actor=by, action="ipright.registered", target=right,
                         data={"kind": kind, "office": right.office, "number": right.registration_number})
    except IntegrityError as exc:  # another registration of the same number committed meanwhile
        _refuse_if_taken(exc, kind, fields)
    return right


def right_describe_unregistered(*, brand: Brand, by, kind: str, values: dict) -> IPRight:
    """Create the unregistered right a reporter describes in a report (registry.unregistered).

    Requires `by` to act for the brand: an agent too, since describing the right is part of the
    notice they sign. The right is pending and never verified; run it in the report's transaction.
    """
    if membership(user=by, brand=brand) is None:
        raise RegistryError("You do not act for this brand, or your authorization as its agent has ended.",
                            field="brand")
    try:
        fields = unregistered_right_clean(kind=kind, values=values)
    except DescribeError as exc:
        raise RegistryError(str(exc), field=exc.field) from exc
    with transaction.atomic():
        right = IPRight.objects.create(brand=brand, kind=kind, submitted_by=by, **fields)
        audit_append(actor=by, action="ipright.described", target=right,
                     data={"kind": kind, "name": right.name, "registered": False})
    return right


def _refuse_unregistered(right: IPRight, doing: str) -> None:
    if not right.registered:
        raise RegistryError(f"{right} was described by a reporter and is not registered with an office, so it "
                            f"cannot be {doing}. Register the right itself to have it verified.")


def right_update(*, right: IPRight, by, fields: dict) -> IPRight:
    """Correct a pending or rejected right. A rejected one goes back to pending; a live code dies."""
    require_brand_admin(user=by, brand=right.brand)
    _refuse_unregistered(right, "edited here")
    if right.status not in (RightStatus.PENDING, RightStatus.REJECTED):
        raise RegistryError(f"A {right.get_status_display().lower()} right cannot be edited. Register a new one "
                            "if the registration changed.")
    _check_right_fields(right.kind, fields, other_than=right.pk)
    try:
        with transaction.atomic():
            locked = IPRight.objects.select_for_update().get(pk=right.pk)
            for name, value in fields.items():
                setattr(locked, name, value)
            locked.save(update_fields=[*fields, "updated_at"])
            _invalidate_codes(right=locked)
            audit_append(actor=by, action="ipright.edited", target=locked, data={"fields": sorted(fields)})
            if locked.status == RightStatus.REJECTED:
                transition(obj=locked, to=RightStatus.PENDING, actor=by, table=RIGHT_TRANSITIONS, field="status",
                           changes={"rejection_reason": ""}, data={"resubmitted": True})
    except IntegrityError as exc:  # a resubmitted rejected right whose number was registered meanwhile
        _refuse_if_taken(exc, right.kind, {"office": right.office, "registration_number": right.registration_number,
                                           **fields})
    return locked


# --- verification ----------------------------------------------------------------------------

def code_hash(*, right_id: int, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"right-code:{right_id}:{code}".encode(), hashlib.sha256).hexdigest()


def normalize_code(raw: str) -> str:
    return "".join(ch for ch in raw if ch.isdigit())


def _invalidate_codes(*, right: IPRight) -> int:
    return VerificationCode.objects.filter(right=right, used_at__isnull=True, invalidated_at__isnull=True).update(
        invalidated_at=timezone.now())


def right_send_code(*, right: IPRight, reviewer, correspondent_email: str) -> VerificationCode:
    """Mail a new one-time code to the correspondent on the office record (invalidating any earlier code).

    The reviewer has checked the registration against the office record; the address comes from there.
    """
    require_reviewer(reviewer)
    _refuse_unregistered(right, "verified by an office code")
    with transaction.atomic():
        locked = IPRight.objects.select_for_update().get(pk=right.pk)
        if locked.status != RightStatus.PENDING:
            raise RegistryError(f"Only a pending right gets a code; this one is {locked.get_status_display()}.")
        missing = right_documents_missing(right=locked)
        if missing:
            raise RegistryError(missing)
        resent = _invalidate_codes(right=locked) > 0
        code = f"{secrets.randbelow(10 ** 8):08d}"
        record = VerificationCode.objects.create(
            right=locked, code_hash=code_hash(right_id=locked.pk, code=code), sent_to=correspondent_email,
            sent_by=reviewer, expires_at=timezone.now() + CODE_TTL,
        )
        locked.correspondent_email = correspondent_email
        locked.save(update_fields=["correspondent_email", "updated_at"])
        audit_append(actor=reviewer, action="ipright.code_sent", target=locked,
                     data={"to": correspondent_email, "resent": resent})
        right.correspondent_email = correspondent_email
        page = settings.SITE_URL + reverse("registry:right_detail", args=[locked.pk])
        _mail_on_commit(
            to=correspondent_email, subject=f"Verification code for {locked.office} {locked.registration_number}",
            body=f"Someone registered {locked} for the brand {locked.brand} on IP Portal.\n"
                 f"You are the correspondent on the office record. If the brand is yours, give this code to "
                 f"whoever registered it, to enter on {page}\n\n    {code[:4]} {code[4:]}\n\n"
                 f"The code works for {CODE_TTL.days} days and {CODE_MAX_ATTEMPTS} attempts. "
                 f"If you did not expect it, ignore this message.\n",
        )
    return record


def live_code(*, right: IPRight) -> VerificationCode | None:
    return VerificationCode.objects.filter(right=right, used_at__isnull=True, invalidated_at__isnull=True).first()


def right_confirm_code(*, right: IPRight, by, code: str) -> IPRight:
    """Verify the right if `code` is its live code: unexpired, attempts left. A wrong code costs an attempt."""
    require_brand_admin(user=by, brand=right.brand)
    _refuse_unregistered(right, "verified by an office code")
    code = normalize_code(code)
    with transaction.atomic():
        # Race: parallel guesses must each count against the same attempts budget.
        record = (VerificationCode.objects.select_for_update()
                  .filter(right=right, used_at__isnull=True, invalidated_at__isnull=True).first())
        problem = _code_problem(record, right, code)
        if problem is None:
            record.used_at = timezone.now()
            record.save(update_fields=["used_at"])
            if right.kind == RightKind.TRADEMARK:
                protection_changed_on_commit(brand_id=right.brand_id, recheck=True)
            return transition(obj=right, to=RightStatus.VERIFIED, actor=by, table=RIGHT_TRANSITIONS,
                              field="status", changes={"verified_at": timezone.now(), "verified_by": record.sent_by},
                              data={"code_sent_to": record.sent_to})
        if record is not None and problem.startswith("wrong"):
            record.attempts += 1
            record.save(update_fields=["attempts"])
            audit_append(actor=by, action="ipright.code_failed", target=right, data={"attempt": record.attempts})
    # The failed attempt above is committed before the error is raised.
    left = CODE_MAX_ATTEMPTS - record.attempts if record else 0
    messages = {
        "none": "No code is waiting for this right. A reviewer sends one after checking the office record.",
        "expired": "This code has expired. Ask for a new one: a reviewer will send it to the correspondent.",
        "exhausted": "Too many wrong attempts. Ask for a new code: a reviewer will send it to the correspondent.",
        "wrong": f"That code is not right. {left} attempt{'s' if left != 1 else ''} left."
                 if left else "That code is not right, and it was the last attempt. Ask for a new code.",
        "status": f"This right is {right.get_status_display().lower()}; there is nothing to confirm.",
    }
    raise RegistryError(messages[problem.split(":")[0]], field="code")


def _code_problem(record: VerificationCode | None, right: IPRight, code: str) -> str | None:
    if right.status != RightStatus.PENDING:
        return "status"
    if record is None:
        return "none"
    if record.expires_at <= timezone.now():
        return "expired"
    if record.attempts >= CODE_MAX_ATTEMPTS:
        return "exhausted"
    if not code or not hmac.compare_digest(record.code_hash, code_hash(right_id=right.pk, code=code)):
        return "wrong"
    return None


def right_reject(*, right: IPRight, reviewer, reason: str) -> IPRight:
    """Reject a pending right with a reason the holder sees; any live code dies with it."""
    require_reviewer(reviewer)
    _refuse_unregistered(right, "rejected in verification (reject the report's cases instead)")
    reason = reason.strip()
    if len(reason) < 10:
        raise RegistryError("Say why, in a sentence the rights holder can act on.", field="reason")
    if right.status != RightStatus.PENDING:
        raise RegistryError(f"Only a pending right can be rejected; this one is {right.get_status_display()}.")
    with transaction.atomic():
        _invalidate_codes(right=right)
        return transition(obj=right, to=RightStatus.REJECTED, actor=reviewer, table=RIGHT_TRANSITIONS,
                          field="status", changes={"rejection_reason": reason}, data={"reason": reason})


def rights_expire_due(*, today: date | None = None, chunk: int = 500) -> int:
    """Expire every pending or verified right whose expiry date has come. Idempotent; returns how many."""
    today = today or timezone.localdate()
    due = IPRight.objects.filter(status__in=[RightStatus.PENDING, RightStatus.VERIFIED], expires_on__lte=today)
    done = 0
    while ids := list(due.order_by("id").values_list("id", flat=True)[:chunk]):
        for right in IPRight.objects.filter(id__in=ids).order_by("id"):
            with transaction.atomic():
                _invalidate_codes(right=right)
                transition(obj=right, to=RightStatus.EXPIRED, actor=None, table=RIGHT_TRANSITIONS,
                           field="status", data={"expires_on": right.expires_on})
                protection_changed_on_commit(brand_id=right.brand_id, recheck=False)
            done += 1
    return done


# --- protection rules ------------------------------------------------------------------------

def protection_rules_set(*, brand: Brand, by, countries: list[str], countries_mode: str, sellers: list,
                         sellers_mode: str, extra_terms: list[str], misspellings: list[str]) -> list:
    """Replace the brand's rules and watched terms. Empty countries/sellers means the rule is not set.

    Terms and suppress mode are claims checked first (registry.rule_claims): a generic word or another
    brand's mark is refused; a term unrelated to the brand's marks, or a suppress mode restricting
    many listings or another brand's authorized sellers, waits for a reviewer (the term unwatched,
    the rule flagging). Returns those waiting approvals."""
    require_brand_admin(user=by, brand=brand)
    bad = [c for c in countries if not is_country(c)]
    if bad:
        raise RegistryError(f"Not ISO 3166-1 country codes: {', '.join(bad)}.", field="countries")
    for mode, field in [(countries_mode, "countries_mode"), (sellers_mode, "sellers_mode")]:
        if mode not in RuleMode.values:
            raise RegistryError("Choose suppress or flag.", field=field)
    terms = _terms(brand, extra_terms, TermKind.EXTRA, "extra_terms") + _terms(
        brand, misspellings, TermKind.MISSPELLING, "misspellings")
    seen: dict[str, str] = {}
    for t in terms:
        if t.normalized in seen:
            raise RegistryError(f"“{t.term}” is listed twice (same as “{seen[t.normalized]}”).",
                                field="misspellings" if t.kind == TermKind.MISSPELLING else "extra_terms")
        seen[t.normalized] = t.term
    watched, waiting = [], []
    for t in terms:
        verdict = rule_claims.term_verdict(brand=brand, term=t.term, norm=t.normalized)
        if verdict.refused:
            raise RegistryError(verdict.refused, field="misspellings" if t.kind == TermKind.MISSPELLING
                                else "extra_terms")
        (waiting if verdict.needs_review else watched).append((t, verdict.needs_review))
    watched_terms = [t.term for t, _ in watched]
    suppress_reviews = []
    for kind, mode, ctry, sel in [(RuleKind.SHIPS_FROM, countries_mode, countries, []),
                                  (RuleKind.SELLER, sellers_mode, [], sellers)]:
        if mode != RuleMode.SUPPRESS:
            continue
        why, estimate, others = rule_claims.suppress_needs_review(
            brand=brand, rule_kind=kind, countries=ctry, sellers=sel, terms=watched_terms)
        if why:
            suppress_reviews.append((kind, why, estimate, others))
    modes = {RuleKind.SHIPS_FROM: countries_mode, RuleKind.SELLER: sellers_mode}
    for kind, *_ in suppress_reviews:
        modes[kind] = RuleMode.FLAG  # flag mode until a reviewer approves suppressing
    with transaction.atomic():
        rule_claims.approvals_withdraw_pending(brand=brand, by=by)
        rule, _ = ProtectionRule.objects.update_or_create(
            brand=brand, kind=RuleKind.SHIPS_FROM,
            defaults={"mode": modes[RuleKind.SHIPS_FROM], "countries": sorted(set(countries)), "updated_by": by})
        seller_rule, _ = ProtectionRule.objects.update_or_create(
            brand=brand, kind=RuleKind.SELLER, defaults={"mode": modes[RuleKind.SELLER], "updated_by": by})
        seller_rule.sellers.set(sellers)
        WatchedTerm.objects.filter(brand=brand).delete()
        try:
            WatchedTerm.objects.bulk_create([t for t, _ in watched])
        except IntegrityError:  # pragma: no cover - the duplicate check above runs first
            raise RegistryError("A term is listed twice.", field="extra_terms") from None
        approvals = [rule_claims.approval_request(brand=brand, by=by, kind=ApprovalKind.TERM, why=why, term=t.term,
                                                  normalized=t.normalized, term_kind=t.kind)
                     for t, why in waiting]
        approvals += [rule_claims.approval_request(brand=brand, by=by, kind=ApprovalKind.SUPPRESS,
                                                   why=f"Suppress mode: {why}.", rule_kind=kind, estimate=estimate,
                                                   other_brands_sellers=others)
                      for kind, why, estimate, others in suppress_reviews]
        audit_append(actor=by, action="brand.rules_changed", target=brand, data={
            "countries": rule.countries, "countries_mode": modes[RuleKind.SHIPS_FROM],
            "sellers": sorted(s.external_id for s in sellers), "sellers_mode": modes[RuleKind.SELLER],
            "terms": sorted(t.normalized for t, _ in watched),
            "waiting_for_review": [a.pk for a in approvals],
        })
        protection_changed_on_commit(brand_id=brand.pk, recheck=True)
    return approvals


def _terms(brand: Brand, raw: list[str], kind: str, field: str) -> list[WatchedTerm]:
    marks = set(brand.rights.filter(kind=RightKind.TRADEMARK, status=RightStatus.VERIFIED)
                .values_list("name", flat=True))
    marks = {normalize_term(m): m for m in marks}
    out = []
    for term in raw:
        term = " ".join(term.split())
        if not term:
            continue
        norm = normalize_term(term)
        if len(norm) < 2 or len(term) > 100:
            raise RegistryError(f"“{term}”: a watched term has 2 to 100 characters.", field=field)
        if norm in marks:
            raise RegistryError(f"“{term}” is your verified mark {marks[norm]} and is watched already.", field=field)
        out.append(WatchedTerm(brand=brand, term=term, normalized=norm, kind=kind))
    return out
