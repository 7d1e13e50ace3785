"""The marketplace's webhook pages: endpoints, their delivery log, rotate, disable, redeliver."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from common import dates

from .forms import EndpointForm
from .selectors import webhook_deliveries, webhook_delivery_get, webhook_endpoint_get, webhook_endpoints
from .services import (
    WebhookError,
    webhook_delivery_redeliver,
    webhook_endpoint_create,
    webhook_endpoint_disable,
    webhook_endpoint_enable,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_send_test,
    webhook_endpoint_update,
)

DELIVERY_LOG_ROWS = 100


def _add_error(form, exc: WebhookError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
@require_http_methods(["GET", "POST"])
def endpoint_list(request: HttpRequest) -> HttpResponse:
    endpoints = webhook_endpoints(user=request.user)
    form = EndpointForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                endpoint = webhook_endpoint_create(owner=request.user, **form.cleaned_data)
            except WebhookError as exc:
                _add_error(form, exc)
            else:
                messages.success(request, "Endpoint added. Copy its signing secret below into your receiver.")
                return redirect("webhooks:webhook_detail", pk=endpoint.pk)
    return render(request, "webhooks/webhook_list.html", {"endpoints": endpoints, "form": form},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def endpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = webhook_endpoint_get(user=request.user, pk=pk)
    initial = {"url": endpoint.url, "description": endpoint.description, "event_types": endpoint.event_types}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                webhook_endpoint_update(endpoint=endpoint, actor=request.user, **form.cleaned_data)
            except WebhookError as exc:
                _add_error(form, exc)
            else:
                messages.success(request, "Endpoint saved. New events follow these settings.")
                return redirect("webhooks:webhook_detail", pk=pk)
    return render(request, "webhooks/webhook_detail.html", {
        "endpoint": endpoint, "form": form,
        "deliveries": webhook_deliveries(endpoint=endpoint)[:DELIVERY_LOG_ROWS],
    }, status=400 if form.is_bound else 200)


@login_required
@require_POST
def endpoint_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = webhook_endpoint_rotate_secret(endpoint=webhook_endpoint_get(user=request.user, pk=pk),
                                              actor=request.user)
    messages.success(request, "New secret issued. Until "
                     f"{dates.moment(endpoint.previous_secret_expires_at)} every request is signed with both "
                     "the new and the previous secret.")
    return redirect("webhooks:webhook_detail", pk=pk)


@login_required
@require_POST
def endpoint_test(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = webhook_endpoint_get(user=request.user, pk=pk)
    try:
        webhook_endpoint_send_test(endpoint=endpoint, actor=request.user)
    except WebhookError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Test event sent. Its delivery is at the top of the list below: a 2xx answer "
                                  "means your receiver got it and checked the signature.")
    return redirect("webhooks:webhook_detail", pk=pk)


@login_required
@require_POST
def endpoint_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = webhook_endpoint_get(user=request.user, pk=pk)
    enable = request.POST.get("enabled") == "1"
    try:
        if enable:
            webhook_endpoint_enable(endpoint=endpoint, actor=request.user)
        else:
            webhook_endpoint_disable(endpoint=endpoint, actor=request.user)
    except WebhookError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Endpoint enabled." if enable else "Endpoint disabled; nothing is sent to it.")
    return redirect("webhooks:webhook_detail", pk=pk)


@login_required
@require_POST
def delivery_redeliver(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = webhook_delivery_get(user=request.user, pk=pk)
    try:
        webhook_delivery_redeliver(delivery=delivery, actor=request.user)
    except WebhookError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Delivery #{delivery.pk} of {delivery.event.event_id} queued again.")
    return redirect("webhooks:webhook_detail", pk=delivery.endpoint_id)
