"""Reads for imagery's pages, each with its access check (another's object is a 404)."""

from dataclasses import dataclass

from django.http import Http404

from accounts.permissions import is_reviewer, is_rights_holder
from listings.models import Listing, Seller, SellerMember
from registry.models import IPRight
from registry.selectors import brands_for_user, membership

from .models import ImageStatus, ListingImage, ReferenceImage, SellerSignal, SignalKind


def references_for_right(*, right: IPRight) -> list[ReferenceImage]:
    return list(ReferenceImage.objects.filter(right=right).defer("thumbnail").order_by("id"))


def reference_get_for_user(*, user, pk: int) -> ReferenceImage:
    """A reference picture: reviewers, and the members of the right's brand."""
    ref = ReferenceImage.objects.select_related("right__brand").filter(pk=pk).first()
    if ref is None or not (is_reviewer(user) or membership(user=user, brand=ref.right.brand) is not None):
        raise Http404("No such reference image")
    return ref


def listing_image_get_for_user(*, user, pk: int) -> ListingImage:
    """A listing's picture as the marketplace shows it publicly: reviewers, rights holders (who
    search the catalogue) while the listing shows it, and the listing's own seller. A replaced
    picture is kept only for the cases that reported it: their pages serve it (case_image_get)."""
    img = ListingImage.objects.select_related("listing").filter(pk=pk, status=ImageStatus.READY).first()
    if img is None or img.thumbnail is None:
        raise Http404("No such image")
    if is_reviewer(user) or (is_rights_holder(user) and img.current):
        return img
    if SellerMember.objects.filter(user=user, seller_id=img.listing.seller_id).exists():
        return img
    raise Http404("No such image")


_SNAPSHOT_FIELDS = ("pk", "url", "origin", "status", "sha256", "phash", "pdq")


def images_snapshots(*, listing_ids) -> dict[int, list[dict]]:
    """The current pictures of many listings as reported, for their cases' listing snapshots: one
    query however many listings (a report may name hundreds). Every id given has an entry, empty
    when the listing has no pictures. Ids stay valid: replaced pictures are kept."""
    snapshots: dict[int, list[dict]] = {lid: [] for lid in listing_ids}
    if not snapshots:
        return snapshots
    rows = (ListingImage.objects.filter(listing_id__any=list(snapshots), current=True)
            .order_by("listing_id", "position", "id").values_list("listing_id", *_SNAPSHOT_FIELDS))
    for listing_id, *values in rows:
        snapshots[listing_id].append(dict(zip(("id", *_SNAPSHOT_FIELDS[1:]), values, strict=True)))
    return snapshots


def images_snapshot(*, listing_id: int) -> list[dict]:
    """One listing's pictures as reported (images_snapshots for one)."""
    return images_snapshots(listing_ids=[listing_id])[listing_id]


@dataclass(frozen=True)
class Picture:
    """A listing picture as one viewer sees it: `src` is the thumbnail address their access
    allows (the reviewers' image view, or one scoped to the case the viewer may see)."""

    image: ListingImage
    src: str

    @property
    def pk(self) -> int:
        return self.image.pk


@dataclass(frozen=True)
class CasePictures:
    """A case's listing pictures as reported (the snapshot) and as the listing shows them now."""

    reported: list[Picture]
    now: list[Picture]
    snapshot_has_images: bool  # False: a case opened before listings carried pictures

    @property
    def changed(self) -> bool:
        return self.snapshot_has_images and [p.pk for p in self.reported] != [p.pk for p in self.now]


def _snapshot_ids(case) -> list[int]:
    return [int(i["id"]) for i in (case.listing_snapshot or {}).get("images", []) if i.get("id") is not None]


def case_pictures(*, case, src) -> CasePictures:
    """The pictures of `case` (the caller has checked the viewer may see it): those in its listing
    snapshot, in the snapshot's order, and the listing's current ones. `src(image_pk)` gives the
    thumbnail address for this viewer. One query, no thumbnail bytes read."""
    from django.db.models import Q

    reported_ids = _snapshot_ids(case)
    rows = {img.pk: img for img in ListingImage.objects.filter(
        Q(pk__in=reported_ids) | Q(listing_id=case.listing_id, current=True)).defer("thumbnail")
        .order_by("position", "id")}
    reported = [Picture(rows[pk], src(pk)) for pk in reported_ids if pk in rows]
    now = [Picture(img, src(img.pk)) for img in rows.values() if img.listing_id == case.listing_id and img.current]
    return CasePictures(reported=reported, now=now, snapshot_has_images="images" in (case.listing_snapshot or {}))


def case_image_get(*, case, pk: int) -> ListingImage:
    """A thumbnail of `case`'s listing for whoever may see the case (the caller checked that): a
    picture in its snapshot or one the listing shows now; any other id is a 404, so a case's
    address never opens another listing's pictures."""
    img = ListingImage.objects.filter(pk=pk, status=ImageStatus.READY, thumbnail__isnull=False).first()
    if img is None or not (pk in _snapshot_ids(case) or (img.listing_id == case.listing_id and img.current)):
        raise Http404("No such image")
    return img


def image_pair_for_case(*, case) -> dict | None:
    """The matched pair an automatic case was opened on by image: the listing picture and the
    reference (a ReferenceImage, or a certificate's work), with the distance."""
    detection = case.detection or {}
    if not detection.get("by_image"):
        return None
    from certificates.models import Certificate

    image = ListingImage.objects.filter(pk=detection.get("listing_image")).defer("thumbnail").first()
    ref, cert = None, None
    if detection.get("reference_kind") == "certificate":
        cert = Certificate.objects.filter(pk=detection.get("reference")).first()
    else:
        ref = ReferenceImage.objects.filter(pk=detection.get("reference")).defer("thumbnail").first()
    return {"image": image, "reference": ref, "certificate": cert, "distance": detection.get("distance"),
            "bits": detection.get("bits", 64)}


@dataclass(frozen=True)
class LinkedSeller:
    seller: Seller
    why: list[str]  # what links them, as people read it

    @property
    def pk(self) -> int:
        return self.seller.pk


def shared_signal_kinds(*, seller_id: int) -> dict[int, set[str]]:
    """The sellers sharing a signal with this one, each with the SignalKind values they share.
    One query (none if the seller has no signal)."""
    own = list(SellerSignal.objects.filter(seller_id=seller_id).values_list("kind", "value"))
    if not own:
        return {}
    from django.db.models import Q

    q = Q()
    for kind, value in own:
        q |= Q(kind=kind, value=value)
    shared: dict[int, set[str]] = {}
    for other_id, kind in SellerSignal.objects.filter(q).exclude(seller_id=seller_id).values_list("seller_id",
                                                                                                  "kind"):
        shared.setdefault(other_id, set()).add(kind)
    return shared


def linked_sellers(*, seller_id: int) -> list[LinkedSeller]:
    """Sellers sharing a signal with this one (a linked id the marketplace sent, or the same opaque
    payment or address hash), each with what links them. Three queries."""
    shared = shared_signal_kinds(seller_id=seller_id)
    if not shared:
        return []
    sellers = Seller.objects.in_bulk(list(shared))
    return [LinkedSeller(sellers[sid], sorted(SignalKind(kind).label for kind in kinds))
            for sid, kinds in sorted(shared.items()) if sid in sellers]


def linked_seller_ids(*, seller_id: int) -> set[int]:
    return {linked.pk for linked in linked_sellers(seller_id=seller_id)}


def listings_for_search(*, ranked: list[tuple[int, int]]) -> list[tuple[Listing, int]]:
    """Listings in the order of `ranked` (listing id, distance), with their seller."""
    found = Listing.objects.select_related("seller").in_bulk([lid for lid, _ in ranked])
    return [(found[lid], d) for lid, d in ranked if lid in found]


def brands_of(user):
    return brands_for_user(user=user)
