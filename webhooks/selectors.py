"""Reads for webhooks, with the access checks: only marketplace accounts, each its own endpoints."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.permissions import require_marketplace

from .models import WebhookDelivery, WebhookEndpoint


def webhook_endpoints(*, user) -> QuerySet[WebhookEndpoint]:
    require_marketplace(user)
    return WebhookEndpoint.objects.filter(owner=user).order_by("id")


def webhook_endpoint_get(*, user, pk: int) -> WebhookEndpoint:
    """One of the caller's endpoints; 404 for another account's (its existence is not revealed)."""
    try:
        return webhook_endpoints(user=user).get(pk=pk)
    except WebhookEndpoint.DoesNotExist:
        raise Http404("No such endpoint") from None


def webhook_deliveries(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """The delivery log of an endpoint the caller already got through webhook_endpoint_get."""
    return endpoint.deliveries.select_related("event").order_by("-id")


def webhook_delivery_get(*, user, pk: int) -> WebhookDelivery:
    require_marketplace(user)
    try:
        return WebhookDelivery.objects.select_related("endpoint", "event").get(pk=pk, endpoint__owner=user)
    except WebhookDelivery.DoesNotExist:
        raise Http404("No such delivery") from None
