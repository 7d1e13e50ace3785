"""The marketplace tells which sellers are linked: their `linked_ids`, or opaque payment and
address fingerprints (hashes it computed; the portal never sees the data behind them)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsMarketplaceForListings
from listings.models import Seller

from .models import SignalKind
from .services import seller_signals_set


class FingerprintIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[SignalKind.PAYMENT, SignalKind.ADDRESS])
    value = serializers.RegexField(r"^[A-Za-z0-9:_\-+/=]{8,128}$", help_text="An opaque hash, 8 to 128 characters")


class SellerSignalsIn(serializers.Serializer):
    external_id = serializers.CharField(max_length=64)
    linked_ids = serializers.ListField(child=serializers.CharField(max_length=64), required=False, default=list,
                                       max_length=100)
    fingerprints = FingerprintIn(many=True, required=False, default=list)

    def validate_external_id(self, value):
        seller = Seller.objects.filter(external_id=value).first()
        if seller is None:
            raise serializers.ValidationError("Unknown seller; register the seller first.")
        return seller


class SellerSignalsOut(serializers.Serializer):
    added = serializers.IntegerField()


class SellerSignalsApi(APIView):
    """Record what links one seller to others. Adds; never removes (a link once seen is history)."""

    permission_classes = [IsMarketplaceForListings]

    @extend_schema(summary="Send what links a seller to other accounts (linked ids, opaque fingerprints)",
                   request=SellerSignalsIn, responses={
        200: SellerSignalsOut, 400: OpenApiResponse(description="Unknown seller or a malformed fingerprint"),
        401: OpenApiResponse(description="No or an invalid token"),
        403: OpenApiResponse(description="Not the marketplace's service account")})
    def post(self, request: Request) -> Response:
        data = SellerSignalsIn(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        added = seller_signals_set(seller=d["external_id"], linked_ids=d["linked_ids"],
                                   fingerprints=[dict(f) for f in d["fingerprints"]])
        return Response({"added": added})
