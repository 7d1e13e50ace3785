from django.contrib import admin

from .models import Appeal, EnforcementAction


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
