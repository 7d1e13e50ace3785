"""The marketplace pushes its listings here (service accounts only)."""

import json
import logging
import re
import zlib

from django.conf import settings
from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsMarketplace, IsMarketplaceForListings
from common.outbound import url_refusal

from .ingest import MAX_ITEMS_PER_CALL, ingest_batch
from .models import Listing, Seller
from .schema import MAX_LISTING_ITEMS, NOT_JSON, json_lines
from .seller_accounts import SellerAccountError, seller_account_link
from .services import listing_upsert
from .signals import listing_images_reported

_HEX = {"pdq": re.compile(r"^[0-9a-fA-F]{64}$"), "phash": re.compile(r"^[0-9a-fA-F]{16}$")}


def _image_ref(data) -> tuple[dict | None, str | None]:
    """One image as sent: its value ({"url"}, {"pdq"} or {"phash"}), or why it is refused."""
    if isinstance(data, str):
        data = {"url": data}
    if not isinstance(data, dict) or len([k for k in ("url", "pdq", "phash") if data.get(k)]) != 1:
        return None, "Send a URL, or an object with one of url, pdq or phash."
    if data.get("url"):
        url = str(data["url"]).strip()
        refusal = "The URL is longer than 2,000 characters." if len(url) > 2000 else url_refusal(
            url, allow_http=settings.IMAGERY_ALLOW_HTTP, allow_loopback=settings.OUTBOUND_ALLOW_LOOPBACK)
        return (None, refusal) if refusal else ({"url": url}, None)
    kind = "pdq" if data.get("pdq") else "phash"
    if not _HEX[kind].match(str(data[kind])):
        return None, f"A {kind} hash is {64 if kind == 'pdq' else 16} hexadecimal characters."
    return {kind: str(data[kind]).lower()}, None


@extend_schema_field({"oneOf": [
    {"type": "string", "format": "uri", "description": "The picture's URL, fetched by the portal"},
    {"type": "object", "properties": {"url": {"type": "string", "format": "uri"}}, "required": ["url"]},
    {"type": "object", "properties": {"pdq": {"type": "string", "pattern": "^[0-9a-fA-F]{64}$"}}, "required": ["pdq"]},
    {"type": "object", "properties": {"phash": {"type": "string", "pattern": "^[0-9a-fA-F]{16}$"}},
     "required": ["phash"]},
]})
class ImageRef(serializers.Field):
    """One listing image: a URL the portal fetches, or {"url": …}, or the marketplace's own hash
    {"pdq": 64 hex} / {"phash": 16 hex} where the portal may not fetch. Stored and fetched by imagery."""

    def to_internal_value(self, data):
        value, refusal = _image_ref(data)
        if refusal:
            raise serializers.ValidationError(refusal)
        return value

    def to_representation(self, value):
        return value


class ImageList(serializers.ListField):
    """Errors as flat sentences ("Image 2: …"), as the bulk API reports every field's."""

    def run_child_validation(self, data):
        out, errors = [], []
        for i, item in enumerate(data):
            try:
                out.append(self.child.run_validation(item))
            except serializers.ValidationError as exc:
                errors += [f"Image {i + 1}: {m}" for m in exc.detail]
        if errors:
            raise serializers.ValidationError(errors)
        return out

log = logging.getLogger(__name__)


# Images a listing may name (the APIs' limit).
MAX_IMAGES = 10


def images_ingest_check(value) -> tuple[list | None, str | None]:
    """The bulk ingest's check of an item's `images` (listings.schema.ingest_key_register; imagery
    registers it): the same rules and messages as the single listing API. A list of at most
    MAX_IMAGES URLs and objects, what a marketplace sends, is checked here image by image (through
    DRF's field, 10,000 listings of three pictures took 460 ms of their batch's check, now 160 ms,
    measured); anything else by the field, for its own sentences."""
    if isinstance(value, list) and len(value) <= MAX_IMAGES and all(isinstance(v, (str, dict)) for v in value):
        images, errors = [], []
        for i, item in enumerate(value):
            image, refusal = _image_ref(item)
            if refusal:
                errors.append(f"Image {i + 1}: {refusal}")
            images.append(image)
        return (None, " ".join(errors)) if errors else (images, None)
    field = ImageList(child=ImageRef(), max_length=MAX_IMAGES)
    try:
        return field.run_validation(value), None
    except serializers.ValidationError as exc:
        detail = exc.detail if isinstance(exc.detail, list) else [exc.detail]
        return None, " ".join(str(m) for m in detail)


class ListingIn(serializers.Serializer):
    external_id = serializers.CharField(max_length=64)
    seller_external_id = serializers.CharField(max_length=64)
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(allow_blank=True, required=False, default="", max_length=10_000)
    brand_name = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    ships_from = serializers.RegexField(r"^[A-Z]{2}$", max_length=2, help_text="ISO 3166-1 alpha-2, upper case")
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    currency = serializers.RegexField(r"^[A-Z]{3}$", max_length=3, required=False, default="USD")
    url = serializers.URLField(required=False, allow_blank=True, default="", max_length=200)
    images = ImageList(child=ImageRef(), required=False, max_length=MAX_IMAGES,
                                   help_text="Optional. The listing's pictures, in order; an empty list removes them")

    def validate_seller_external_id(self, value):
        seller = Seller.objects.filter(external_id=value).first()
        if seller is None:
            raise serializers.ValidationError("Unknown seller; register the seller first.")
        return seller


class ListingOut(serializers.ModelSerializer):
    seller_external_id = serializers.CharField(source="seller.external_id")

    class Meta:
        model = Listing
        fields = ["external_id", "seller_external_id", "title", "brand_name", "ships_from", "price",
                  "currency", "url", "status", "updated_at"]


class ListingUpsertApi(APIView):
    permission_classes = [IsMarketplaceForListings]

    @extend_schema(summary="Push one listing (created or updated by its external id)", request=ListingIn,
                   responses={200: ListingOut, 201: ListingOut})
    def post(self, request: Request) -> Response:
        data = ListingIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        seller = fields.pop("seller_external_id")
        images = fields.pop("images", None)
        with transaction.atomic():
            listing, created = listing_upsert(seller=seller, **fields)
            if images is not None:
                listing_images_reported.send(sender=Listing, images={listing.pk: images})
        return Response(ListingOut(listing).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


# --- bulk ingest -----------------------------------------------------------------------------

class SellerIn(serializers.Serializer):
    external_id = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=200)
    country = serializers.RegexField(r"^[A-Z]{2}$", max_length=2, help_text="ISO 3166-1 alpha-2, upper case")


class BulkIn(serializers.Serializer):
    sellers = serializers.ListField(child=serializers.DictField(), required=False, default=list,
                                    max_length=MAX_ITEMS_PER_CALL)
    listings = serializers.ListField(child=serializers.DictField(), required=False, default=list,
                                     max_length=MAX_ITEMS_PER_CALL)


class ItemError(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["seller", "listing"])
    index = serializers.IntegerField(help_text="Position of the item in its list, from 0")
    external_id = serializers.CharField(allow_null=True)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class BulkCounts(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    failed = serializers.IntegerField()


class BulkOut(serializers.Serializer):
    sellers = BulkCounts()
    listings = BulkCounts()
    errors = ItemError(many=True)


class ListingBulkIngestApi(APIView):
    """Upsert sellers and listings in one call, idempotent by external id (listings.ingest).

    JSON: `{"sellers": [...], "listings": [...]}`, up to 1,000 of each. NDJSON
    (`Content-Type: application/x-ndjson`): one object a line, up to 10,000 lines, a seller when it
    says `"kind": "seller"`. Either may be sent with `Content-Encoding: gzip`. Sellers are stored
    first, so listings may name sellers sent in the same call. The batch is checked in one pass:
    bad items are reported in `errors` (kind, index: the position in its list, or the line of an
    NDJSON body, external id, messages by field) and the good ones are stored, each whole. 200 even
    when some items failed; 400 when the body is not two lists, a list is too long or the body is
    not JSON/NDJSON; 413 when a gzip body inflates too far; 415 for another Content-Encoding.
    """

    permission_classes = [IsMarketplaceForListings]

    @extend_schema(summary="Push many listings and sellers at once", request=BulkIn, responses={
        200: OpenApiResponse(BulkOut, description="Stored what was valid; `errors` lists each refused item"),
        400: OpenApiResponse(description="The body is not two lists, a list has more than 1,000 items, an NDJSON "
                                         "body more than 10,000 lines, or the body is not JSON"),
        413: OpenApiResponse(description="A gzip body inflates past 128 MB"),
        415: OpenApiResponse(description="A Content-Encoding other than gzip"),
        401: OpenApiResponse(description="No or an invalid token"),
        403: OpenApiResponse(description="Not the marketplace's service account"),
    })
    def post(self, request: Request) -> Response:
        encoding = request.headers.get("Content-Encoding", "").strip().lower()
        ndjson = request.content_type.split(";")[0].strip() in NDJSON_TYPES
        if encoding not in ("", "identity", "gzip"):
            return Response({"detail": f"Content-Encoding {encoding!r} is not accepted: send gzip or none."},
                            status=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE)
        if encoding == "gzip" or ndjson:
            try:
                raw = _gunzip(request.body) if encoding == "gzip" else request.body
            except BodyRefused as exc:
                log.warning("bulk ingest body refused from user %s: %s", request.user.pk, exc)
                return Response({"detail": str(exc)}, status=exc.http_status)
            if ndjson:
                parsed = ndjson_items(raw)
                if isinstance(parsed, str):
                    return Response({"detail": parsed}, status=status.HTTP_400_BAD_REQUEST)
                return self._ingest_lines(*parsed)
            try:
                data = json.loads(raw)
            except ValueError:
                return Response({"detail": "The body is not JSON (after gzip)."}, status=status.HTTP_400_BAD_REQUEST)
        else:
            data = request.data
        refusal = _lists_refusal(data)
        if refusal:
            return Response(refusal, status=status.HTTP_400_BAD_REQUEST)
        result = ingest_batch(sellers=data.get("sellers") or [], listings=data.get("listings") or [])
        return Response({"sellers": result.counts("seller"), "listings": result.counts("listing"),
                         "errors": result.errors})

    def _ingest_lines(self, sellers, listings, lines_of, bad_lines) -> Response:
        result = ingest_batch(sellers=sellers, listings=listings)
        errors = [{**e, "index": lines_of[e["kind"]][e["index"]]} for e in result.errors] + bad_lines
        errors.sort(key=lambda e: e["index"])
        counts = {"seller": result.counts("seller"), "listing": result.counts("listing")}
        for e in bad_lines:
            counts[e["kind"]]["failed"] += 1
        return Response({"sellers": counts["seller"], "listings": counts["listing"], "errors": errors})


# --- bodies: NDJSON, gzip ------------------------------------------------------------------------

NDJSON_TYPES = ("application/x-ndjson", "application/jsonl", "application/ndjson")
# Decompressed, a body may be this large: 10,000 items at their field limits is ~110 MB of JSON, a
# real batch a few MB. Past it the body is refused (a small gzip that inflates without end).
MAX_DECODED_BYTES = 128 * 1024 * 1024


class BodyRefused(Exception):
    def __init__(self, message: str, status_code: int):
        super().__init__(message)
        self.http_status = status_code


def _gunzip(body: bytes) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, MAX_DECODED_BYTES + 1)
    except zlib.error as exc:
        raise BodyRefused(f"The body is not valid gzip ({exc}).", status.HTTP_400_BAD_REQUEST) from None
    if len(out) > MAX_DECODED_BYTES or inflater.unconsumed_tail:
        raise BodyRefused(f"The body inflates past {MAX_DECODED_BYTES // 2**20} MB: send smaller batches.",
                          status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    return out


def ndjson_items(raw: bytes):
    """An NDJSON body: one JSON object a line, a listing change, or a seller when it says
    `"kind": "seller"`. Returns (sellers, listings, {kind: [line of each item]}, errors of lines
    that are not JSON objects), or a message when the body as a whole is refused."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "The body is not UTF-8."
    # Lines end at "\n" (and "\r\n"), as NDJSON says; not at the other breaks str.splitlines() knows
    # (U+2028 in a title sent unescaped is text).
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) > MAX_LISTING_ITEMS:
        return f"At most {MAX_LISTING_ITEMS:,} lines per call; this body has {len(lines):,}."
    sellers, listings, lines_of, bad = [], [], {"seller": [], "listing": []}, []
    for number, item in enumerate(json_lines(lines)):
        if item is NOT_JSON:
            bad.append({"kind": "listing", "index": number, "external_id": None,
                        "errors": {"non_field_errors": ["This line is not JSON."]}})
            continue
        if isinstance(item, dict) and item.get("kind") == "seller":
            sellers.append(item)
            lines_of["seller"].append(number)
        else:
            listings.append(item)
            lines_of["listing"].append(number)
    return sellers, listings, lines_of, bad


def _lists_refusal(data) -> dict | None:
    """The JSON body's shape: two optional lists of at most MAX_ITEMS_PER_CALL objects."""
    if not isinstance(data, dict):
        return {"non_field_errors": ["Expected an object with `sellers` and `listings` lists."]}
    for name in ("sellers", "listings"):
        value = data.get(name)
        if value is None:
            continue
        if not isinstance(value, list):
            return {name: [f'Expected a list of items but got type "{type(value).__name__}".']}
        if len(value) > MAX_ITEMS_PER_CALL:
            return {name: [f"Ensure this field has no more than {MAX_ITEMS_PER_CALL} elements."]}
    return None


# --- seller accounts (listings.seller_accounts) -------------------------------------------------

class SellerAccountIn(serializers.Serializer):
    email = serializers.EmailField(max_length=150)
    name = serializers.CharField(max_length=150, help_text="The person's name, as the marketplace knows it")


class SellerAccountOut(serializers.Serializer):
    seller_external_id = serializers.CharField()
    username = serializers.CharField()
    created = serializers.BooleanField(help_text="A new account was created (else an existing one was linked)")
    setup_url = serializers.CharField(help_text="New accounts only: the one-time link to choose a password "
                                                "(also e-mailed to the person); empty otherwise")


class SellerAccountApi(APIView):
    """Give a person Seller Center for one of the marketplace's sellers: link their seller account,
    or create one and return the one-time link to choose a password. The portal never guesses which
    seller a person acts for: only this call says so."""

    permission_classes = [IsMarketplace]

    @extend_schema(summary="Create or link a seller's account", request=SellerAccountIn, responses={
        200: OpenApiResponse(SellerAccountOut, description="An existing seller account, now linked"),
        201: OpenApiResponse(SellerAccountOut, description="A new account, linked; `setup_url` set"),
        400: OpenApiResponse(description="Bad input, by field"),
        404: OpenApiResponse(description="No seller with this external id"),
        409: OpenApiResponse(description="The address belongs to an account that is not a seller's"),
    })
    def post(self, request: Request, external_id: str) -> Response:
        seller = Seller.objects.filter(external_id=external_id).first()
        if seller is None:
            return Response({"detail": f"No seller {external_id}: push it with the listings API first."},
                            status=status.HTTP_404_NOT_FOUND)
        data = SellerAccountIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user, created, setup_url = seller_account_link(seller=seller, by=request.user, **data.validated_data)
        except SellerAccountError as exc:
            return Response({exc.field or "detail": [str(exc)]}, status=status.HTTP_409_CONFLICT)
        out = {"seller_external_id": seller.external_id, "username": user.username, "created": created,
               "setup_url": setup_url}
        return Response(SellerAccountOut(out).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
