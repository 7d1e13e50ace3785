"""Reads for certificates. Public reads show only what the certificate itself shows (title, owner
display name, hashes, time, log position); a brand's own list is for its members."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from registry.selectors import brands_for_user

from . import fingerprints as fp
from .models import Certificate

PUBLIC_FIELDS = ["id", "public_id", "owner_name", "title", "work_type", "sha256", "fingerprint_kind",
                 "fingerprint", "entry", "leaf_index", "registered_at", "content_type", "width", "height"]


@dataclass(frozen=True)
class Match:
    certificate: Certificate
    distance: int
    exact: bool


def certificate_public_get(*, public_id: str) -> Certificate:
    cert = Certificate.objects.filter(public_id=public_id).first()
    if cert is None:
        raise Http404("No such certificate")
    return cert


def certificates_for_user(*, user) -> QuerySet[Certificate]:
    """The certificates of the brands the user acts for (another brand's are never listed)."""
    return Certificate.objects.filter(brand__in=brands_for_user(user=user)).select_related("brand")


def exact_match(*, sha256: str, text_sha256: str | None) -> Match | None:
    q = Q(sha256=sha256)
    if text_sha256:
        q |= Q(text_sha256=text_sha256)
    cert = Certificate.objects.filter(q).order_by("leaf_index").first()
    return Match(cert, 0, True) if cert else None


def near_match(*, kind: str, fingerprint: int, max_distance: int) -> Match | None:
    """The earliest certificate of this kind whose fingerprint is within `max_distance` bits.

    Multi-index hashing: by pigeonhole some band is within max_distance // 4 bits, so the
    candidates are the rows whose band equals one of those values (four indexed lookups), and
    only they are compared bit by bit."""
    radius = fp.band_radius(max_distance)
    q = Q()
    for i, band in enumerate(fp.bands(fingerprint)):
        q |= Q(**{f"band{i}__in": fp.near_values(band, radius)})
    best: tuple[int, int, int] | None = None
    for pk, leaf_index, other in Certificate.objects.filter(q, fingerprint_kind=kind).values_list(
            "pk", "leaf_index", "fingerprint"):
        d = fp.hamming(fingerprint, other)
        if d <= max_distance and (best is None or (d, leaf_index) < (best[0], best[1])):
            best = (d, leaf_index, pk)
    if best is None:
        return None
    return Match(Certificate.objects.get(pk=best[2]), best[0], False)


def file_match(*, sha256: str, text_sha256: str | None, kind: str | None, fingerprint: int | None,
               max_distance: int) -> Match | None:
    """What a dropped file matches: exactly (same bytes or same normalized text), else nearly."""
    match = exact_match(sha256=sha256, text_sha256=text_sha256)
    if match is None and kind is not None and fingerprint is not None:
        match = near_match(kind=kind, fingerprint=fingerprint, max_distance=max_distance)
    return match


def certificate_for_case(case) -> Certificate | None:
    """The certificate a case relies on: the one its report cites, else the one that certifies its right."""
    report = getattr(case, "report", None)
    cited = (report.details or {}).get("certificate") if report is not None else None
    if cited:
        cert = Certificate.objects.filter(public_id=cited).first()
        if cert is not None:
            return cert
    return Certificate.objects.filter(right_id=case.right_id).first()


def certificate_exists(*, public_id: str) -> bool:
    return Certificate.objects.filter(public_id=public_id).exists()
