"""Webhook endpoints API for the marketplace's service account (token auth)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsMarketplaceForWebhooks

from .models import WebhookDelivery, WebhookEndpoint, WebhookEventType
from .selectors import (
    webhook_deliveries,
    webhook_delivery_get,
    webhook_endpoint_get,
    webhook_endpoints,
)
from .services import (
    WebhookError,
    webhook_delivery_redeliver,
    webhook_endpoint_create,
    webhook_endpoint_disable,
    webhook_endpoint_enable,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
)


class ErrorOut(serializers.Serializer):
    detail = serializers.CharField()


class EndpointIn(serializers.Serializer):
    url = serializers.URLField(max_length=500)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    event_types = serializers.MultipleChoiceField(choices=WebhookEventType.choices, allow_empty=False)


class EndpointPatchIn(serializers.Serializer):
    url = serializers.URLField(max_length=500, required=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    event_types = serializers.MultipleChoiceField(choices=WebhookEventType.choices, allow_empty=False, required=False)
    enabled = serializers.BooleanField(required=False, help_text="false disables the endpoint; true enables it")


class EndpointOut(serializers.ModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "event_types", "status", "disabled_reason", "disabled_at",
                  "previous_secret_expires_at", "created_at", "updated_at"]


class EndpointWithSecretOut(EndpointOut):
    class Meta(EndpointOut.Meta):
        fields = [*EndpointOut.Meta.fields, "secret"]


class DeliveryOut(serializers.ModelSerializer):
    event_id = serializers.CharField(source="event.event_id")
    event_type = serializers.CharField(source="event.type")

    class Meta:
        model = WebhookDelivery
        fields = ["id", "event_id", "event_type", "status", "attempts", "last_response_code", "last_error",
                  "last_attempt_at", "next_attempt_at", "delivered_at", "created_at"]


def _validation_error(exc: WebhookError) -> exceptions.ValidationError:
    return exceptions.ValidationError({exc.field or "non_field_errors": [exc.message]})


_ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _page_of(name: str, item) -> serializers.Serializer:
    """A page of PageNumberPagination, as these views answer (the schema said a bare list)."""
    return inline_serializer(name, fields={
        "count": serializers.IntegerField(), "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True), "results": item(many=True)})


class EndpointListApi(APIView):
    permission_classes = [IsMarketplaceForWebhooks]

    @extend_schema(
        operation_id="webhook_endpoints_list", summary="Your webhook endpoints",
        responses={200: _page_of("PaginatedEndpointList", EndpointOut), 403: ErrorOut})
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(webhook_endpoints(user=request.user), request, view=self)
        return paginator.get_paginated_response(EndpointOut(page, many=True).data)

    @extend_schema(
        operation_id="webhook_endpoints_create", summary="Add an endpoint (its signing secret is in the answer)",
        request=EndpointIn,
                   responses={201: EndpointWithSecretOut, 400: OpenApiResponse(description="Field errors"),
                              403: ErrorOut})
    def post(self, request: Request) -> Response:
        data = EndpointIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        try:
            endpoint = webhook_endpoint_create(owner=request.user, url=fields["url"],
                                               event_types=sorted(fields["event_types"]),
                                               description=fields["description"])
        except WebhookError as exc:
            raise _validation_error(exc) from exc
        return Response(EndpointWithSecretOut(endpoint).data, status=status.HTTP_201_CREATED)


class EndpointDetailApi(APIView):
    permission_classes = [IsMarketplaceForWebhooks]

    @extend_schema(
        operation_id="webhook_endpoints_retrieve", summary="One endpoint with its signing secrets",
        responses={200: EndpointWithSecretOut, **_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return Response(EndpointWithSecretOut(webhook_endpoint_get(user=request.user, pk=pk)).data)

    @extend_schema(
        operation_id="webhook_endpoints_update", summary="Change an endpoint's URL, events or description",
        request=EndpointPatchIn,
                   responses={200: EndpointOut, **_ERRORS})
    def patch(self, request: Request, pk: int) -> Response:
        endpoint = webhook_endpoint_get(user=request.user, pk=pk)
        data = EndpointPatchIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        enabled = fields.pop("enabled", None)
        if "event_types" in fields:
            fields["event_types"] = sorted(fields["event_types"])
        try:
            endpoint = webhook_endpoint_update(endpoint=endpoint, actor=request.user, **fields)
            if enabled is True and endpoint.is_disabled:
                endpoint = webhook_endpoint_enable(endpoint=endpoint, actor=request.user)
            elif enabled is False and endpoint.is_enabled:
                endpoint = webhook_endpoint_disable(endpoint=endpoint, actor=request.user)
        except WebhookError as exc:
            raise _validation_error(exc) from exc
        return Response(EndpointOut(endpoint).data)


class EndpointRotateSecretApi(APIView):
    permission_classes = [IsMarketplaceForWebhooks]

    @extend_schema(
        operation_id="webhook_endpoints_rotate_secret", summary="Issue a new signing secret",
        request=None,
                   responses={200: EndpointWithSecretOut, 403: ErrorOut, 404: ErrorOut})
    def post(self, request: Request, pk: int) -> Response:
        endpoint = webhook_endpoint_rotate_secret(endpoint=webhook_endpoint_get(user=request.user, pk=pk),
                                                  actor=request.user)
        return Response(EndpointWithSecretOut(endpoint).data)


class EndpointDeliveriesApi(APIView):
    permission_classes = [IsMarketplaceForWebhooks]

    @extend_schema(
        operation_id="webhook_deliveries_list", summary="An endpoint's recent deliveries and their attempts",
        responses={200: _page_of("PaginatedDeliveryList", DeliveryOut), 403: ErrorOut, 404: ErrorOut})
    def get(self, request: Request, pk: int) -> Response:
        endpoint = webhook_endpoint_get(user=request.user, pk=pk)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(webhook_deliveries(endpoint=endpoint), request, view=self)
        return paginator.get_paginated_response(DeliveryOut(page, many=True).data)


class DeliveryRedeliverApi(APIView):
    permission_classes = [IsMarketplaceForWebhooks]

    @extend_schema(
        operation_id="webhook_deliveries_redeliver", summary="Send a delivery again now",
        request=None,
                   responses={202: DeliveryOut, **_ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        delivery = webhook_delivery_get(user=request.user, pk=pk)
        try:
            delivery = webhook_delivery_redeliver(delivery=delivery, actor=request.user)
        except WebhookError as exc:
            raise _validation_error(exc) from exc
        return Response(DeliveryOut(delivery).data, status=status.HTTP_202_ACCEPTED)
