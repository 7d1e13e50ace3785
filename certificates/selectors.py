"""Reads for certificates. Public reads show only what the certificate itself shows (title, owner
display name, hashes, time, log position); a brand's own list is for its members."""

from dataclasses import dataclass

from django.db import connection
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
    values = [fp.near_values(band, radius) for band in fp.bands(fingerprint)]
    if connection.vendor == "postgresql":
        found = _near_fingerprints_pg(kind, fingerprint, max_distance, values)
    else:
        q = Q()
        for i, vs in enumerate(values):
            q |= Q(**{f"band{i}__in": vs})
        found = {other for other in Certificate.objects.filter(q, fingerprint_kind=kind).values_list(
            "fingerprint", flat=True) if fp.hamming(fingerprint, other) <= max_distance}
    if not found:
        return None
    best = min(fp.hamming(fingerprint, other) for other in found)
    closest = [other for other in found if fp.hamming(fingerprint, other) == best]
    q = Q()
    for other in closest:  # by band0 too, so the band index finds them
        q |= Q(band0=fp.bands(other)[0], fingerprint=other)
    cert = Certificate.objects.filter(q, fingerprint_kind=kind).order_by("leaf_index").first()
    return Match(cert, best, False) if cert else None


# One index-only scan per band (a bitmap OR of the four would read the table's pages); the
# Hamming distance is computed in the scan, so only matches leave the database.
_NEAR_SQL = " UNION ".join(
    f"SELECT fingerprint FROM certificates_certificate WHERE fingerprint_kind = %s AND band{i} = ANY(%s) "
    f"AND bit_count((fingerprint # %s)::bit(64)) <= %s" for i in range(4))


def _near_fingerprints_pg(kind: str, fingerprint: int, max_distance: int, values: list[list[int]]) -> set[int]:
    params: list = []
    for vs in values:
        params += [kind, vs, fingerprint, max_distance]
    with connection.cursor() as cur:
        cur.execute(_NEAR_SQL, params)
        return {row[0] for row in cur.fetchall()}


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
    if not case.right.is_copyright:  # no query on the pages of other kinds' cases (their counts are pinned)
        return None
    return Certificate.objects.filter(right_id=case.right_id).first()


def certificate_exists(*, public_id: str) -> bool:
    return Certificate.objects.filter(public_id=public_id).exists()


def disputes_open() -> QuerySet:
    from .models import CertificateDispute, DisputeState

    return CertificateDispute.objects.filter(state=DisputeState.OPEN).select_related("earlier", "brand")


def dispute_get_for_reviewer(*, user, pk: int):
    """Reviewers only (the role is checked by the view); any dispute, or 404."""
    from .models import CertificateDispute

    dispute = CertificateDispute.objects.select_related("earlier", "brand").filter(pk=pk).first()
    if dispute is None:
        raise Http404("No such dispute")
    return dispute


def disputes_for_user(*, user) -> QuerySet:
    from .models import CertificateDispute

    return CertificateDispute.objects.filter(brand__in=brands_for_user(user=user)).select_related("earlier")
