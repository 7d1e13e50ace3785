from django.contrib import admin, messages

from .models import (
    Appeal,
    AppealEvidence,
    AppealResponse,
    BulkJob,
    CounterNotice,
    CounterNoticeEvidence,
    EnforcementAction,
    Notification,
    Strike,
    SuspensionProposal,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from .webhooks.services import WebhookError, webhook_delivery_redeliver


@admin.register(EnforcementAction)
class EnforcementActionAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "listing", "status", "attempts", "created_at", "applied_at"]
    list_filter = ["kind", "status"]
    search_fields = ["idempotency_key", "listing__external_id"]
    readonly_fields = [f.name for f in EnforcementAction._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ["id", "case", "filed_by", "status", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["decision", "case", "filed_by", "status", "outcome_decision", "created_at"]


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


@admin.register(AppealResponse)
class AppealResponseAdmin(admin.ModelAdmin):
    list_display = ["id", "appeal", "party", "author", "created_at"]
    readonly_fields = [f.name for f in AppealResponse._meta.fields]


@admin.register(AppealEvidence)
class AppealEvidenceAdmin(admin.ModelAdmin):
    list_display = ["id", "appeal", "response", "file"]
    readonly_fields = [f.name for f in AppealEvidence._meta.fields]


@admin.register(CounterNotice)
class CounterNoticeAdmin(admin.ModelAdmin):
    list_display = ["id", "case", "status", "court_action_due", "reinstate_on", "created_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in CounterNotice._meta.fields]

@admin.register(CounterNoticeEvidence)
class CounterNoticeEvidenceAdmin(admin.ModelAdmin):
    list_display = ["id", "counter_notice", "party", "file"]
    readonly_fields = [f.name for f in CounterNoticeEvidence._meta.fields]


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Written only by the services (audited); the admin looks, it does not change."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BulkJob)
class BulkJobAdmin(_ReadOnlyAdmin):
    list_display = ["id", "kind", "title", "status", "done", "failed", "total", "created_at", "finished_at"]
    list_filter = ["kind", "status"]


@admin.register(Strike)
class StrikeAdmin(_ReadOnlyAdmin):
    list_display = ["id", "seller", "decision", "created_at", "expires_at", "removed_at"]
    search_fields = ["seller__name", "seller__external_id"]


@admin.register(SuspensionProposal)
class SuspensionProposalAdmin(_ReadOnlyAdmin):
    list_display = ["id", "seller", "status", "proposed_by", "decided_by", "created_at"]
    list_filter = ["status"]


@admin.register(Notification)
class NotificationAdmin(_ReadOnlyAdmin):
    list_display = ["id", "kind", "object_id", "recipients", "created_at", "sent_at"]
    list_filter = ["kind"]
