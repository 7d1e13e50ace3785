"""Reads for the registry, each one also the access check for who may see it."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.permissions import is_reviewer

from .models import (
    HOLDING,
    Brand,
    BrandInvitation,
    BrandMember,
    DocumentRole,
    IPRight,
    MarkType,
    ProtectionRule,
    RightDocument,
    RightKind,
    RightStatus,
    RuleKind,
    RuleMode,
    VerificationCode,
    WatchedTerm,
)
from .normalize import normalize_term


def brands_for_user(*, user) -> QuerySet[Brand]:
    """Brands the user may act for: admin members, and agents whose authorization has not ended."""
    today = timezone.localdate()
    return Brand.objects.filter(
        Q(members__user=user)
        & (Q(members__authorized_until__isnull=True) | Q(members__authorized_until__gte=today))
    ).distinct()


def rights_for_user(*, user) -> QuerySet[IPRight]:
    return IPRight.objects.filter(brand__in=brands_for_user(user=user)).select_related("brand")


def membership(*, user, brand: Brand) -> BrandMember | None:
    """The user's membership of the brand, if it is in force (an agent's authorization may have ended)."""
    if not user.is_authenticated:
        return None
    m = BrandMember.objects.filter(user=user, brand=brand).first()
    if m is None or (m.authorized_until is not None and m.authorized_until < timezone.localdate()):
        return None
    return m


def brand_get_for_user(*, user, pk: int) -> tuple[Brand, BrandMember]:
    """The brand and the user's membership; 404 for anyone who does not act for it (no hint it exists)."""
    brand = Brand.objects.filter(pk=pk).first()
    m = membership(user=user, brand=brand) if brand is not None else None
    if m is None:
        raise Http404("No such brand")
    return brand, m


def require_brand_admin(*, user, brand: Brand) -> BrandMember:
    """Admins manage members, rights and rules; agents get a 403 saying so; others a 404."""
    m = membership(user=user, brand=brand)
    if m is None:
        raise Http404("No such brand")
    if not m.is_admin:
        raise PermissionDenied(f"Only admins of {brand} manage its members, rights and rules. You act for "
                               f"{brand} as an authorized agent: ask one of its admins.")
    return m


def brand_admin_get(*, user, pk: int) -> Brand:
    brand, _ = brand_get_for_user(user=user, pk=pk)
    require_brand_admin(user=user, brand=brand)
    return brand


def right_get_for_user(*, user, pk: int) -> tuple[IPRight, BrandMember]:
    right = IPRight.objects.select_related("brand", "verified_by").filter(pk=pk).first()
    m = membership(user=user, brand=right.brand) if right is not None else None
    if m is None:
        raise Http404("No such right")
    return right, m


def brand_members(*, brand: Brand) -> QuerySet[BrandMember]:
    return brand.members.select_related("user", "added_by").order_by("role", "user__username")


def brand_pending_invitations(*, brand: Brand) -> QuerySet[BrandInvitation]:
    return brand.invitations.filter(accepted_at__isnull=True).select_related("invited_by").order_by("created_at")


def brand_rights(*, brand: Brand) -> QuerySet[IPRight]:
    return brand.rights.order_by("kind", "name", "id")


def brand_rules(*, brand: Brand) -> dict[str, ProtectionRule | None]:
    rules = {r.kind: r for r in brand.protection_rules.prefetch_related("sellers")}
    return {k: rules.get(k) for k in RuleKind.values}


def brand_terms(*, brand: Brand) -> QuerySet[WatchedTerm]:
    return brand.watched_terms.all()


def invitation_for_token(*, token_hash: str) -> BrandInvitation:
    inv = BrandInvitation.objects.select_related("brand").filter(token_hash=token_hash).first()
    if inv is None:
        raise Http404("No such invitation")
    return inv


# --- registration documents ------------------------------------------------------------------

def right_documents(*, right: IPRight) -> QuerySet[RightDocument]:
    return right.documents.select_related("file", "uploaded_by")


def right_document_get_for_user(*, user, pk: int) -> RightDocument:
    """A right's document, to the brand's members and to reviewers; 404 to everyone else (no hint it exists)."""
    doc = RightDocument.objects.select_related("file", "right__brand").filter(pk=pk).first()
    if doc is None or not user.is_authenticated:
        raise Http404("No such document")
    if is_reviewer(user) or membership(user=user, brand=doc.right.brand) is not None:
        return doc
    raise Http404("No such document")


def right_documents_missing(*, right: IPRight) -> str | None:
    """Why the right cannot be verified yet for want of a document, or None.

    A figurative mark is checked against its image, a design against at least one image of it; a
    copyright certificate is optional (many countries have no copyright register).
    """
    roles = set(right.documents.values_list("role", flat=True))
    if right.kind == RightKind.TRADEMARK and right.mark_type == MarkType.FIGURATIVE \
            and DocumentRole.MARK_IMAGE not in roles:
        return ("A figurative mark is verified against its image, and the brand has not uploaded the mark image "
                "yet. Reject it with a reason asking for the image, or wait for the upload.")
    if right.kind == RightKind.DESIGN and DocumentRole.DESIGN_IMAGE not in roles:
        return ("A design is verified against its images, and the brand has not uploaded any design image yet. "
                "Reject it with a reason asking for them, or wait for the upload.")
    return None


# --- reviewers -------------------------------------------------------------------------------

def require_reviewer(user) -> None:
    if not is_reviewer(user):
        raise PermissionDenied("Only trust-and-safety reviewers verify rights.")


def verification_queue(*, user) -> QuerySet[IPRight]:
    """Pending registered rights, oldest first, with whether a code is out. Unregistered rights
    (described in reports) are left out: there is no office record to check them against; the
    reviewer weighs them on the case itself."""
    require_reviewer(user)
    live = Q(verification_codes__used_at__isnull=True, verification_codes__invalidated_at__isnull=True)
    return (IPRight.objects.filter(status=RightStatus.PENDING, registered=True).select_related("brand", "submitted_by")
            .annotate(live_codes=Count("verification_codes", filter=live)).order_by("created_at", "id"))


def right_get_for_reviewer(*, user, pk: int) -> IPRight:
    require_reviewer(user)
    right = IPRight.objects.select_related("brand", "submitted_by", "verified_by").filter(pk=pk).first()
    if right is None:
        raise Http404("No such right")
    return right


def right_codes(*, right: IPRight) -> QuerySet[VerificationCode]:
    return right.verification_codes.select_related("sent_by").order_by("-created_at")


# --- what monitoring evaluates ---------------------------------------------------------------

@dataclass(frozen=True)
class BrandProtection:
    """A brand's watch list and rules, as the listing matcher needs them.

    `terms` maps each normalized term to what it came from (a verified mark, an extra term, a
    misspelling). `countries`/`seller_ids` are None when the brand has not set that rule.
    """

    brand_id: int
    terms: dict[str, str]
    countries: frozenset[str] | None
    countries_mode: str
    seller_ids: frozenset[int] | None
    sellers_mode: str


def brand_protection(*, brand: Brand) -> BrandProtection:
    marks = brand.rights.filter(kind=RightKind.TRADEMARK, status=RightStatus.VERIFIED).values_list("name", flat=True)
    terms = {normalize_term(m): f"mark:{m}" for m in marks}
    for t in brand.watched_terms.all():
        terms.setdefault(t.normalized, f"{t.kind}:{t.term}")
    rules = brand_rules(brand=brand)
    ships, seller = rules[RuleKind.SHIPS_FROM], rules[RuleKind.SELLER]
    seller_ids = frozenset(s.pk for s in seller.sellers.all()) if seller else frozenset()
    return BrandProtection(
        brand_id=brand.pk, terms=terms,
        countries=frozenset(ships.countries) if ships and ships.countries else None,
        countries_mode=ships.mode if ships else RuleMode.FLAG,
        seller_ids=seller_ids or None,
        sellers_mode=seller.mode if seller else RuleMode.FLAG,
    )


def brands_held() -> QuerySet[Brand]:
    """Brands held for review (held, or kept on hold after review), the longest-waiting first,
    with their members for the page."""
    return (Brand.objects.filter(hold_status__in=HOLDING).select_related("hold_decided_by")
            .prefetch_related("members__user").order_by("created_at", "id"))
