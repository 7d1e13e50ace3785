import re
from collections.abc import Iterable

from django.db.models import QuerySet

from .models import Listing, Seller

_URL_ID = re.compile(r"/listings?/([A-Za-z0-9_-]+)/?(?:[?#].*)?$")


def parse_listing_refs(text: str) -> list[str]:
    """Listing ids from pasted text: one id or listing URL per line or comma, duplicates merged."""
    refs: list[str] = []
    for raw in re.split(r"[\s,;]+", text.strip()):
        if not raw:
            continue
        m = _URL_ID.search(raw)
        ref = m.group(1) if m else raw
        if ref not in refs:
            refs.append(ref)
    return refs


def listings_by_external_ids(*, ids: Iterable[str]) -> dict[str, Listing]:
    return {l.external_id: l for l in Listing.objects.filter(external_id__in=list(ids)).select_related("seller")}


def sellers_for_user(*, user) -> QuerySet[Seller]:
    return Seller.objects.filter(members__user=user)
