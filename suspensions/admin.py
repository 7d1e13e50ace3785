from django.contrib import admin

from common.admin import ReadOnlyAdmin

from .models import LinkedAccountFlag, Strike, StrikeDecision, Suspension, SuspensionAppealEvidence


class StrikeDecisionInline(admin.TabularInline):
    model = StrikeDecision
    fields = ["decision", "added_at", "reversed_at", "reversed_reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Strike)
class StrikeAdmin(ReadOnlyAdmin):
    list_display = ["id", "seller", "event_key", "created_at", "expires_at", "removed_at"]
    search_fields = ["seller__name", "seller__external_id", "event_key"]
    inlines = [StrikeDecisionInline]


@admin.register(StrikeDecision)
class StrikeDecisionAdmin(ReadOnlyAdmin):
    list_display = ["id", "strike", "decision", "added_at", "reversed_at"]
    list_filter = [("reversed_at", admin.EmptyFieldListFilter)]


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    list_display = ["id", "seller", "status", "proposed_by", "decided_by", "created_at"]
    list_filter = ["status"]


@admin.register(SuspensionAppealEvidence)
class SuspensionAppealEvidenceAdmin(ReadOnlyAdmin):
    list_display = ["id", "suspension", "file"]


@admin.register(LinkedAccountFlag)
class LinkedAccountFlagAdmin(ReadOnlyAdmin):
    list_display = ["id", "seller", "suspended_seller", "suspension", "status", "decided_by", "created_at"]
    list_filter = ["status"]
    search_fields = ["seller__name", "seller__external_id"]
