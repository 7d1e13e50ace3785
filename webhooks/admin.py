from django.contrib import admin, messages

from .models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from .services import WebhookError, webhook_delivery_redeliver


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["id", "owner", "url", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["url", "owner__username"]
    # Changes go through the services (audited); the secrets are not shown here.
    fields = ["owner", "url", "description", "event_types", "status", "disabled_reason", "disabled_at",
              "previous_secret_expires_at", "created_at", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ["id", "event_id", "type", "action", "created_at"]
    list_filter = ["type"]
    search_fields = ["event_id"]
    readonly_fields = [f.name for f in WebhookEvent._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "event", "endpoint", "status", "attempts", "last_response_code", "last_error",
                    "last_attempt_at", "next_attempt_at", "delivered_at"]
    list_filter = ["status", "endpoint"]
    search_fields = ["event__event_id"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    actions = ["redeliver"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Redeliver the selected deliveries")
    def redeliver(self, request, queryset):
        for delivery in queryset:
            try:
                webhook_delivery_redeliver(delivery=delivery, actor=request.user)
            except WebhookError as exc:
                self.message_user(request, f"Delivery #{delivery.pk}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"Delivery #{delivery.pk} queued again.")
