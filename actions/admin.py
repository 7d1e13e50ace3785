from django.contrib import admin

from common.admin import ReadOnlyAdmin

from .models import BulkJob, EnforcementAction


@admin.register(EnforcementAction)
class EnforcementActionAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "listing", "status", "attempts", "created_at", "applied_at"]
    list_filter = ["kind", "status"]
    search_fields = ["idempotency_key", "listing__external_id"]
    readonly_fields = [f.name for f in EnforcementAction._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(BulkJob)
class BulkJobAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "title", "status", "done", "failed", "total", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
