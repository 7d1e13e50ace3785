from django.contrib import admin

from common.admin import ReadOnlyAdmin

from .models import Strike, Suspension


@admin.register(Strike)
class StrikeAdmin(ReadOnlyAdmin):
    list_display = ["id", "seller", "decision", "created_at", "expires_at", "removed_at"]
    search_fields = ["seller__name", "seller__external_id"]


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    list_display = ["id", "seller", "status", "proposed_by", "decided_by", "created_at"]
    list_filter = ["status"]
