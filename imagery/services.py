"""Writes for imagery: listing images as reported and fetched, reference images, title
fingerprints, seller signals. Each operation one transaction; fetches are queued by task name."""

from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audit.services import audit_append
from audit.transitions import transition
from certificates import fingerprints as fp
from common import outbound
from common.db import insert_rows
from common.dispatch import enqueue, enqueue_many_on_commit
from evidence.content import Refused
from listings.models import Seller
from listings.services import listings_changed_on_commit
from registry.models import IPRight
from registry.signals import protection_changed_on_commit

from .hashes import Hashed, image_hash
from .models import (
    ImageOrigin,
    ImageStatus,
    ListingImage,
    ReferenceImage,
    SellerSignal,
    SignalKind,
    TitleFingerprint,
    phash_hex,
)
from .signals import seller_signals_added
from .states import IMAGE_TRANSITIONS

FETCH_TASK = "imagery.tasks.fetch_listing_image"
FETCH_CHUNK_TASK = "imagery.tasks.fetch_listing_images"
# Pictures per fetch message of an ingest batch (a message per picture: 30,000 published after the
# commit of 10,000 listings of three). A chunk stopped by its task's time limit (slow hosts) leaves
# the rest pending for the beat sweep (images_retry_due).
FETCH_CHUNK = 25


class ImageryError(Exception):
    """Bad input, with the field it belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# --- listing images, as reported -----------------------------------------------------------

def image_payload_key(payload) -> tuple[str, str]:
    """What identifies one reported image: ("url", …), ("pdq", hex) or ("phash", hex)."""
    if isinstance(payload, str):
        return ("url", payload.strip())
    for kind in ("url", "pdq", "phash"):
        if isinstance(payload, dict) and payload.get(kind):
            return (kind, str(payload[kind]).strip().lower() if kind != "url" else str(payload[kind]).strip())
    raise ImageryError("images", "Each image is a URL, or an object with one of url, pdq or phash.")


def on_listing_images_reported(sender, images: dict[int, list], **kwargs) -> None:
    listing_images_record(images=images)


def listing_images_record(*, images: dict[int, list], recheck: bool = True) -> int:
    """Store the images each listing reported (`images`: listing id -> payloads, in order) and
    queue a fetch for each URL after commit. A listing whose list is unchanged keeps its rows; a
    changed list replaces the current rows (kept, `current` False, for the cases that cite them).
    Hashes sent by the marketplace are ready at once, and their listings are checked again after
    commit, unless the caller checks them itself next (`recheck` False: an ingest batch, whose rule
    stage records its pictures first, monitoring.batch). Runs inside the ingest's transaction.
    Returns the number of new image rows.

    Set-based, as an ingest batch names thousands of listings: the current rows read as tuples,
    the new ones written as rows (common.db.insert_rows: COPY on PostgreSQL), the fetches' ids read
    back and queued FETCH_CHUNK to a message. 10,000 listings of three pictures took 1.9 s by
    models and bulk_create, with a message per picture."""
    if not images:
        return 0
    limit = settings.IMAGERY_MAX_IMAGES_PER_LISTING
    current: dict[int, list[tuple[int, tuple[str, str]]]] = {}
    for pk, listing_id, origin, url, pdq, phash in (
            ListingImage.objects.filter(listing_id__any=set(images), current=True).order_by("position", "id")
            .values_list("pk", "listing_id", "origin", "url", "pdq", "phash")):
        current.setdefault(listing_id, []).append((pk, _row_key(origin, url, pdq, phash)))
    now = timezone.now()
    new_rows: list[tuple] = []
    written: list[int] = []  # listings whose list is new: their current rows are the new rows
    replaced: list[int] = []
    again: set[int] = set()  # hashes ready now, or images dropped: the image matches may differ
    for listing_id, payloads in images.items():
        keys = []
        for payload in list(payloads)[:limit]:
            try:
                keys.append(image_payload_key(payload))
            except ImageryError:
                continue  # refused by the API already; a direct caller's bad item is skipped
        had = current.get(listing_id, [])
        if [key for _, key in had] == keys:
            continue
        replaced += [pk for pk, _ in had]
        if had or any(kind != "url" for kind, _ in keys):
            again.add(listing_id)
        if keys:
            written.append(listing_id)
        new_rows += [_new_row(listing_id, position, kind, value, now) for position, (kind, value) in enumerate(keys)]
    if replaced:
        ListingImage.objects.filter(pk__any=replaced).update(current=False, updated_at=now)
    insert_rows(ListingImage._meta.db_table, _IMAGE_COLUMNS, new_rows)
    if any(row[2] == ImageOrigin.URL for row in new_rows):
        fetch = list(ListingImage.objects.filter(listing_id__any=set(written), current=True, origin=ImageOrigin.URL)
                     .order_by("id").values_list("pk", flat=True))
        enqueue_many_on_commit(FETCH_CHUNK_TASK,
                               [(fetch[i:i + FETCH_CHUNK],) for i in range(0, len(fetch), FETCH_CHUNK)])
    if recheck:
        listings_changed_on_commit(listing_ids=sorted(again))
    return len(new_rows)


def _row_key(origin: str, url: str, pdq: str, phash: int | None) -> tuple[str, str]:
    if origin == ImageOrigin.URL:
        return ("url", url)
    return ("pdq", pdq) if pdq else ("phash", phash_hex(phash))


# A new listing image as a row (insert_rows), in this order: what the model's defaults would give
# but the origin, its URL or hash, and a reported hash's bands.
_IMAGE_COLUMNS = ("listing_id", "position", "origin", "url", "status", "failure", "attempts", "current", "sha256",
                  "phash", "band0", "band1", "band2", "band3", "pdq", "crop_pdq", "created_at", "updated_at")


def _new_row(listing_id: int, position: int, kind: str, value: str, now) -> tuple:
    if kind == "url":
        return (listing_id, position, ImageOrigin.URL, value, ImageStatus.PENDING, "", 0, True, "",
                None, None, None, None, None, "", "", now, now)
    if kind == "pdq":
        return (listing_id, position, ImageOrigin.HASH, "", ImageStatus.READY, "", 0, True, "",
                None, None, None, None, None, value, "", now, now)
    signed = fp.to_signed(int(value, 16))
    return (listing_id, position, ImageOrigin.HASH, "", ImageStatus.READY, "", 0, True, "",
            signed, *fp.bands(signed), "", "", now, now)


# --- fetching -------------------------------------------------------------------------------

def image_fetch(*, image_id: int) -> str | None:
    """Fetch, check and hash one listing image. Idempotent: an image already ready, or failed and
    not yet due again, is left alone (returns None). On success the image is ready and its listing
    is checked again after commit; on failure it is failed with the reason and, unless the failure
    is final (refused address, redirect, not an image, too large), retried later with backoff.
    Returns the new status."""
    img = ListingImage.objects.filter(pk=image_id, origin=ImageOrigin.URL).first()
    if img is None or not _fetch_due(img):
        return None
    answer = outbound.get(url=img.url, max_bytes=settings.IMAGERY_MAX_IMAGE_BYTES,
                          connect_timeout=settings.IMAGERY_FETCH_TIMEOUT_SECONDS,
                          read_timeout=settings.IMAGERY_FETCH_TIMEOUT_SECONDS,
                          allow_http=settings.IMAGERY_ALLOW_HTTP, allow_loopback=settings.OUTBOUND_ALLOW_LOOPBACK)
    hashed, reason, final = None, answer.error, _final_failure(answer)
    if not reason:
        try:
            hashed = image_hash(answer.body)
        except Refused as exc:
            reason, final = f"Not an acceptable image: {exc}", True
    with transaction.atomic():
        # Race: the sweep and a redelivered message fetch the same image; the lock lets one write.
        img = ListingImage.objects.select_for_update().get(pk=image_id)
        if not _fetch_due(img):
            return None
        if hashed is not None:
            _image_ready(img, hashed)
            listings_changed_on_commit(listing_ids=[img.listing_id])
            return ImageStatus.READY
        _image_failed(img, reason, final)
    return ImageStatus.FAILED


def _fetch_due(img: ListingImage) -> bool:
    if img.is_pending:
        return True
    return img.is_failed and img.retry_at is not None and img.retry_at <= timezone.now()


def _final_failure(answer: outbound.Fetched) -> bool:
    """Failures a retry cannot fix: a refused URL or address, a redirect, a body over the limit."""
    if answer.error.startswith(("Not fetched", "Not sent", "Too large")):
        return True
    return answer.status is not None and 300 <= answer.status < 400


def _image_ready(img: ListingImage, hashed: Hashed) -> None:
    b0, b1, b2, b3 = hashed.bands
    transition(obj=img, to=ImageStatus.READY, actor=None, table=IMAGE_TRANSITIONS, field="status", changes={
        "sha256": hashed.sha256, "phash": hashed.phash, "band0": b0, "band1": b1, "band2": b2, "band3": b3,
        "pdq": hashed.pdq, "crop_phash": hashed.crop_phash, "crop_pdq": hashed.crop_pdq,
        "width": hashed.width, "height": hashed.height, "thumbnail": hashed.thumbnail,
        "failure": "", "retry_at": None, "attempts": img.attempts + 1,
    })


def _image_failed(img: ListingImage, reason: str, final: bool) -> None:
    attempts = img.attempts + 1
    retry_at = None
    if not final and attempts < settings.IMAGERY_FETCH_MAX_ATTEMPTS:
        retry_at = timezone.now() + timedelta(seconds=settings.IMAGERY_FETCH_BACKOFF_SECONDS * 4 ** (attempts - 1))
    changes = {"failure": outbound.sanitize(reason), "attempts": attempts, "retry_at": retry_at}
    if img.is_pending:
        transition(obj=img, to=ImageStatus.FAILED, actor=None, table=IMAGE_TRANSITIONS, field="status",
                   changes=changes, data={"reason": changes["failure"]})
    else:  # failed again: same state, the attempt recorded
        ListingImage.objects.filter(pk=img.pk).update(**changes, updated_at=timezone.now())
        audit_append(actor=None, action="listingimage.fetch_failed", target=img,
                     data={"reason": changes["failure"], "attempts": attempts})


def images_retry_due(*, limit: int = 500, lost_after_seconds: int = 300) -> int:
    """Beat: queue the fetches due again (failed, retry time passed) and the ones whose message
    was lost (pending for a while). Returns how many were queued."""
    now = timezone.now()
    due = list(ListingImage.objects.filter(status=ImageStatus.FAILED, retry_at__lte=now, current=True)
               .values_list("pk", flat=True)[:limit])
    due += list(ListingImage.objects.filter(status=ImageStatus.PENDING, current=True,
                                            created_at__lt=now - timedelta(seconds=lost_after_seconds))
                .values_list("pk", flat=True)[:limit])
    for pk in due:
        enqueue(FETCH_TASK, pk)
    return len(due)


# --- reference images -----------------------------------------------------------------------

def reference_add(*, right: IPRight, by, kind: str, label: str, data: bytes) -> ReferenceImage:
    """Add a reference picture to a right: checked (an image, bounded pixels) and hashed once.
    The brand's existing listings are checked against it after commit (a protection re-check).
    Raises ImageryError("image", …) for a file that is not an acceptable picture or already there."""
    try:
        hashed = image_hash(data)
    except Refused as exc:
        raise ImageryError("image", f"This file cannot be a reference image: {exc}") from None
    b0, b1, b2, b3 = hashed.bands
    try:
        with transaction.atomic():
            ref = ReferenceImage.objects.create(
                right=right, kind=kind, label=label.strip()[:200], sha256=hashed.sha256, phash=hashed.phash,
                band0=b0, band1=b1, band2=b2, band3=b3, pdq=hashed.pdq, crop_phash=hashed.crop_phash,
                crop_pdq=hashed.crop_pdq, mirror_phash=hashed.mirror_phash, mirror_pdq=hashed.mirror_pdq,
                width=hashed.width, height=hashed.height,
                thumbnail=hashed.thumbnail, added_by=by)
            audit_append(actor=by, action="reference_image.add", target=ref,
                         data={"right": right.pk, "kind": kind, "sha256": hashed.sha256, "phash": ref.phash})
            protection_changed_on_commit(brand_id=right.brand_id, recheck=True)
    except IntegrityError:
        raise ImageryError("image", "This picture is already a reference of this right.") from None
    return ref


def reference_remove(*, ref: ReferenceImage, by) -> None:
    """Remove a reference picture; open cases keep the pair they were opened on (in their detection)."""
    with transaction.atomic():
        audit_append(actor=by, action="reference_image.remove", target=ref,
                     data={"right": ref.right_id, "sha256": ref.sha256})
        brand_id = ref.right.brand_id
        ref.delete()
        protection_changed_on_commit(brand_id=brand_id, recheck=False)


# --- title fingerprints ---------------------------------------------------------------------

def title_fingerprints_store(*, titles: dict[int, str]) -> None:
    """Keep each listing's title SimHash current: the batch's hashes counted at once, one upsert
    statement (on PostgreSQL the columns as arrays, not a row object per listing)."""
    from .matching import title_simhashes

    if not titles:
        return
    ids = list(titles)
    hashes = title_simhashes(list(titles.values()))
    if connection.vendor != "postgresql":
        TitleFingerprint.objects.bulk_create(
            [TitleFingerprint(listing_id=pk, simhash=h, band0=b0, band1=b1, band2=b2, band3=b3)
             for pk, h, (b0, b1, b2, b3) in zip(ids, hashes, map(fp.bands, hashes), strict=True)],
            update_conflicts=True, unique_fields=["listing"], update_fields=["simhash", "band0", "band1", "band2",
                                                                             "band3"])
        return
    unsigned = np.array(hashes, dtype=np.int64).view(np.uint64)
    bands = [((unsigned >> np.uint64(fp.BAND_BITS * (fp.BANDS - 1 - i))) & np.uint64(0xFFFF)).tolist()
             for i in range(fp.BANDS)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TitleFingerprint._meta.db_table} (listing_id, simhash, band0, band1, band2, band3) "
            "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::int[], %s::int[], %s::int[], %s::int[]) "
            "ON CONFLICT (listing_id) DO UPDATE SET simhash = EXCLUDED.simhash, band0 = EXCLUDED.band0, "
            "band1 = EXCLUDED.band1, band2 = EXCLUDED.band2, band3 = EXCLUDED.band3", [ids, hashes, *bands])


# --- seller signals -------------------------------------------------------------------------

def seller_signals_set(*, seller: Seller, linked_ids: list[str], fingerprints: list[dict]) -> int:
    """Record what the marketplace says links this seller to others: its `linked_ids` (other
    sellers' external ids: both sides get the pair's value) and opaque payment/address hashes.
    Adds, never removes (a link once seen is history). Returns the signals added."""
    rows: list[SellerSignal] = []
    for other in sorted(set(linked_ids) - {seller.external_id}):
        pair = "|".join(sorted([seller.external_id, other]))
        rows.append(SellerSignal(seller=seller, kind=SignalKind.LINKED_ID, value=pair))
        other_seller = Seller.objects.filter(external_id=other).first()
        if other_seller is not None:
            rows.append(SellerSignal(seller=other_seller, kind=SignalKind.LINKED_ID, value=pair))
    for f in fingerprints:
        rows.append(SellerSignal(seller=seller, kind=f["kind"], value=f["value"]))
    with transaction.atomic():
        before = SellerSignal.objects.filter(seller=seller).count()
        SellerSignal.objects.bulk_create(rows, ignore_conflicts=True)
        added = SellerSignal.objects.filter(seller=seller).count() - before
        if added:
            audit_append(actor=None, action="seller.signals_added", target=seller,
                         data={"linked_ids": sorted(set(linked_ids)), "fingerprints": len(fingerprints)})
            seller_signals_added.send(sender=SellerSignal, seller_ids=sorted({row.seller_id for row in rows}))
    return added
