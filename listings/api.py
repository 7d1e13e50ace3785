"""The marketplace pushes its listings here (service accounts only)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsMarketplaceForListings

from .ingest import MAX_ITEMS_PER_CALL, listings_upsert_bulk, sellers_upsert_bulk
from .models import Listing, Seller
from .services import listing_upsert


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
        listing, created = listing_upsert(seller=seller, **fields)
        return Response(ListingOut(listing).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


# --- bulk ingest -----------------------------------------------------------------------------

class SellerIn(serializers.Serializer):
    external_id = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=200)
    country = serializers.RegexField(r"^[A-Z]{2}$", max_length=2, help_text="ISO 3166-1 alpha-2, upper case")


class BulkListingIn(ListingIn):
    """ListingIn, with sellers looked up once per call instead of once per item."""

    def validate_seller_external_id(self, value):
        seller = self.context["sellers"].get(value)
        if seller is None:
            raise serializers.ValidationError("Unknown seller; send it in `sellers` or register it first.")
        return seller

    def validate(self, attrs):
        attrs["seller"] = attrs.pop("seller_external_id")
        return attrs


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


def _validate_items(raw: list[dict], serializer_class, kind: str, context: dict | None = None):
    valid: dict[int, dict] = {}
    errors: list[dict] = []
    for index, item in enumerate(raw):
        data = serializer_class(data=item, context=context or {})
        if data.is_valid():
            valid[index] = dict(data.validated_data)
        else:
            errors.append({"kind": kind, "index": index, "external_id": item.get("external_id"),
                           "errors": {k: [str(m) for m in v] for k, v in data.errors.items()}})
    return valid, errors


def _counts(result, failed: int) -> dict:
    return {"created": len(result.created), "updated": len(result.updated), "unchanged": len(result.unchanged),
            "failed": failed}


def _db_errors(result, kind: str, valid: dict) -> list[dict]:
    return [{"kind": kind, "index": i, "external_id": valid[i]["external_id"], "errors": e}
            for i, e in result.errors.items()]


class ListingBulkIngestApi(APIView):
    """Upsert up to 1,000 sellers and 1,000 listings in one call, idempotent by external id.

    Sellers are stored first, so listings may name sellers sent in the same call. Each item is
    validated on its own: bad items are reported in `errors` (kind, index, external id, messages by
    field) and the good ones are stored. 200 even when some items failed; 400 only when the body is
    not two lists or a list is too long.
    """

    permission_classes = [IsMarketplaceForListings]

    @extend_schema(summary="Push many listings and sellers at once", request=BulkIn, responses={
        200: OpenApiResponse(BulkOut, description="Stored what was valid; `errors` lists each refused item"),
        400: OpenApiResponse(description="The body is not two lists, or a list has more than 1,000 items"),
        401: OpenApiResponse(description="No or an invalid token"),
        403: OpenApiResponse(description="Not the marketplace's service account"),
    })
    def post(self, request: Request) -> Response:
        body = BulkIn(data=request.data)
        body.is_valid(raise_exception=True)
        sellers_valid, seller_errors = _validate_items(body.validated_data["sellers"], SellerIn, "seller")
        seller_result = sellers_upsert_bulk(items=sellers_valid)
        seller_errors += _db_errors(seller_result, "seller", sellers_valid)
        raw_listings = body.validated_data["listings"]
        wanted = {str(i.get("seller_external_id")) for i in raw_listings}
        sellers = {s.external_id: s for s in Seller.objects.filter(external_id__in=wanted)}
        listings_valid, listing_errors = _validate_items(raw_listings, BulkListingIn, "listing", {"sellers": sellers})
        listing_result = listings_upsert_bulk(items=listings_valid)
        listing_errors += _db_errors(listing_result, "listing", listings_valid)
        return Response({
            "sellers": _counts(seller_result, len(seller_errors)),
            "listings": _counts(listing_result, len(listing_errors)),
            "errors": seller_errors + listing_errors,
        })
