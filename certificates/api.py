"""The certificates API (docs/certificates.md), exactly as issue 14 specifies it so that
independent verifiers interoperate: registering a work (rights holders; token or session with
CSRF), and the public reads: a certificate, the log's key, its latest tree head, inclusion and
consistency proofs."""

import base64
import logging

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsRightsHolder
from common.ratelimit import ApiAnonThrottle, ApiUserThrottle, UploadThrottle
from registry.selectors import brands_for_user

from .log import ProofError, consistency_proof, inclusion_proof, sth_latest
from .logkey import public_key_raw
from .models import CERTIFIABLE_TYPES
from .presenters import certificate_json
from .selectors import certificate_public_get
from .services import RegistrationRefused, certificate_register

B64 = serializers.CharField(help_text="base64")
STH = inline_serializer("SignedTreeHead", fields={
    "tree_size": serializers.IntegerField(), "root_hash": B64,
    "timestamp": serializers.IntegerField(help_text="milliseconds since the Unix epoch"),
    "signature": serializers.CharField(help_text="Ed25519 over the canonical JSON of the other three fields"),
})
CERT = inline_serializer("Certificate", fields={
    "id": serializers.CharField(), "entry": serializers.DictField(), "leaf_index": serializers.IntegerField(),
    "receipt": serializers.DictField(help_text="The STH that first included the entry, plus `hashes`"),
})
HASHES = inline_serializer("ProofHashes", fields={"hashes": serializers.ListField(child=B64)})
CONFLICT = inline_serializer("DuplicateWork", fields={
    "code": serializers.ChoiceField(choices=["duplicate", "near_duplicate"]),
    "certificate_id": serializers.CharField(), "certificate_url": serializers.CharField(),
    "distance": serializers.IntegerField(required=False), "detail": serializers.CharField(),
})
ERRORS = inline_serializer("WorkErrors", fields={
    "field_name": serializers.ListField(child=serializers.CharField())})
PUBLIC = {"authentication_classes": [], "permission_classes": [AllowAny]}

log = logging.getLogger(__name__)


class WorkIn(serializers.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(max_length=1000)
    work_type = serializers.ChoiceField(choices=CERTIFIABLE_TYPES)
    author = serializers.CharField(max_length=200, required=False, allow_blank=True)
    first_published_on = serializers.DateField(required=False, allow_null=True)
    brand = serializers.IntegerField(required=False, help_text="Your brand's id; needed if you act for several")


class WorkRegisterApi(APIView):
    permission_classes = [IsRightsHolder]
    parser_classes = [MultiPartParser, FormParser]
    # A call carrying files counts against RATE_LIMITS["uploads"] with the upload forms.
    throttle_classes = [ApiUserThrottle, ApiAnonThrottle, UploadThrottle]

    @extend_schema(
        summary="Register a work and get its certificate",
        request={"multipart/form-data": WorkIn},
        responses={201: inline_serializer("Registered", fields={"certificate": CERT}),
                   400: OpenApiResponse(ERRORS, description="Bad input; nothing was registered"),
                   409: OpenApiResponse(CONFLICT, description="Already certified, exactly or nearly")},
    )
    def post(self, request: Request) -> Response:
        data = WorkIn(data=request.data)
        if not data.is_valid():
            return Response(data.errors, status=status.HTTP_400_BAD_REQUEST)
        v = data.validated_data
        brands = list(brands_for_user(user=request.user).order_by("pk"))
        if v.get("brand") is not None:
            brands = [b for b in brands if b.pk == v["brand"]]
            if not brands:
                return Response({"brand": ["You do not act for a brand with this id."]}, status=400)
        elif len(brands) != 1:
            return Response({"brand": ["You act for several brands: say which (`brand`)." if brands else
                                       "You act for no brand yet: register one first."]}, status=400)
        try:
            cert = certificate_register(brand=brands[0], by=request.user, upload=v["file"], title=v["title"],
                                        work_type=v["work_type"], author=v.get("author", ""),
                                        first_published_on=v.get("first_published_on"))
        except RegistrationRefused as exc:
            if exc.match is None:
                return Response({exc.field or "non_field_errors": [exc.message]}, status=400)
            body = {"code": exc.code, "certificate_id": exc.match.certificate.public_id,
                    "certificate_url": request.build_absolute_uri(reverse(
                        "certificates:certificate_detail", args=[exc.match.certificate.public_id])),
                    "detail": exc.message}
            if exc.code == "near_duplicate":
                body["distance"] = exc.match.distance
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response({"certificate": certificate_json(cert)}, status=status.HTTP_201_CREATED)


class CertificateApi(APIView):
    authentication_classes = PUBLIC["authentication_classes"]
    permission_classes = PUBLIC["permission_classes"]

    @extend_schema(summary="A certificate with its receipt (public)", responses={200: CERT, 404: None})
    def get(self, request: Request, public_id: str) -> Response:
        return Response(certificate_json(certificate_public_get(public_id=public_id)))


class LogKeyApi(APIView):
    authentication_classes = PUBLIC["authentication_classes"]
    permission_classes = PUBLIC["permission_classes"]

    @extend_schema(summary="The log's public key (public)", responses={200: inline_serializer("LogKey", fields={
        "algorithm": serializers.CharField(), "public_key": B64}),
        503: OpenApiResponse(description="The installation has not configured its log key")})
    def get(self, request: Request) -> Response:
        try:
            key = public_key_raw()
        except ImproperlyConfigured as exc:
            # An operator's setting, not the caller's fault nor a crash: said as such, and logged.
            log.error("certificate log key: %s", exc)
            return Response({"detail": "The certificate log's key is not configured on this installation."},
                            status=503)
        return Response({"algorithm": "Ed25519", "public_key": base64.b64encode(key).decode()})


class LogSthApi(APIView):
    authentication_classes = PUBLIC["authentication_classes"]
    permission_classes = PUBLIC["permission_classes"]

    @extend_schema(summary="The latest signed tree head (public)",
                   responses={200: STH, 404: OpenApiResponse(description="The log is empty")})
    def get(self, request: Request) -> Response:
        head = sth_latest()
        if head is None:
            return Response({"detail": "The log is empty: no tree head yet."}, status=404)
        return Response(head.as_json())


def _int_params(request: Request, *names: str) -> tuple[list[int] | None, Response | None]:
    values, errors = [], {}
    for name in names:
        raw = request.query_params.get(name, "")
        if not raw.isdigit() or len(raw) > 18:
            errors[name] = [f"`{name}` must be a whole number of 0 or more."]
        else:
            values.append(int(raw))
    return (None, Response(errors, status=400)) if errors else (values, None)


class LogProofApi(APIView):
    authentication_classes = PUBLIC["authentication_classes"]
    permission_classes = PUBLIC["permission_classes"]

    @extend_schema(summary="Inclusion proof, RFC 9162 §2.1.3 (public)",
                   parameters=[OpenApiParameter("leaf_index", int, required=True),
                               OpenApiParameter("tree_size", int, required=True)],
                   responses={200: HASHES, 400: ERRORS})
    def get(self, request: Request) -> Response:
        values, error = _int_params(request, "leaf_index", "tree_size")
        if error:
            return error
        try:
            hashes = inclusion_proof(leaf_index=values[0], size=values[1])
        except ProofError as exc:
            return Response({"detail": str(exc)}, status=400)
        return Response({"hashes": [base64.b64encode(h).decode() for h in hashes]})


class LogConsistencyApi(APIView):
    authentication_classes = PUBLIC["authentication_classes"]
    permission_classes = PUBLIC["permission_classes"]

    @extend_schema(summary="Consistency proof, RFC 9162 §2.1.4 (public)",
                   parameters=[OpenApiParameter("first", int, required=True),
                               OpenApiParameter("second", int, required=True)],
                   responses={200: HASHES, 400: ERRORS})
    def get(self, request: Request) -> Response:
        values, error = _int_params(request, "first", "second")
        if error:
            return error
        try:
            hashes = consistency_proof(first=values[0], second=values[1])
        except ProofError as exc:
            return Response({"detail": str(exc)}, status=400)
        return Response({"hashes": [base64.b64encode(h).decode() for h in hashes]})
