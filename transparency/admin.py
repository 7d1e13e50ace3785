from django.contrib import admin

from common.admin import ReadOnlyAdmin

from .models import ReportSnapshot, StatementRecord


@admin.register(StatementRecord)
class StatementRecordAdmin(ReadOnlyAdmin):
    list_display = ["puid", "applied_at", "status", "uuid", "attempts"]
    list_filter = ["status"]
    search_fields = ["puid", "uuid"]


@admin.register(ReportSnapshot)
class ReportSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["period", "start", "end", "computed_at"]
    list_filter = ["period"]
