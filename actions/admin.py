from django.contrib import admin

from common.admin import ReadOnlyAdmin

from .models import BulkJob, EnforcementAction, Restriction


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


@admin.register(Restriction)
class RestrictionAdmin(ReadOnlyAdmin):
    """Read-only: restrictions are imposed and lifted only by applying actions."""

    list_display = ["id", "listing", "kind", "source", "case", "suspension", "started_at", "lifted_at"]
    list_filter = ["kind", "source"]
    search_fields = ["listing__external_id"]
    raw_id_fields = ["listing", "case", "decision", "suspension", "imposed_by", "lifted_by"]
