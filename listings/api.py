"""The marketplace pushes its listings here (service accounts only)."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Listing, Seller
from .services import listing_upsert


class IsMarketplace(permissions.BasePermission):
    message = "Only the marketplace's service account can push listings."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.role == "marketplace")


class ListingIn(serializers.Serializer):
    external_id = serializers.CharField(max_length=64)
    seller_external_id = serializers.CharField(max_length=64)
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(allow_blank=True, required=False, default="")
    brand_name = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    ships_from = serializers.RegexField(r"^[A-Z]{2}$", help_text="ISO 3166-1 alpha-2, upper case")
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False, default="USD")
    url = serializers.URLField(required=False, allow_blank=True, default="")

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
    permission_classes = [IsMarketplace]

    @extend_schema(request=ListingIn, responses={200: ListingOut, 201: ListingOut})
    def post(self, request: Request) -> Response:
        data = ListingIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        seller = fields.pop("seller_external_id")
        listing, created = listing_upsert(seller=seller, **fields)
        return Response(ListingOut(listing).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
