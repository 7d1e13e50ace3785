from django.contrib import admin

from audit.admin_changes import AuditedAdminMixin

from .models import Appeal, AppealEvidence, AppealResponse


@admin.register(Appeal)
class AppealAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["id", "case", "filed_by", "status", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["decision", "case", "filed_by", "status", "outcome_decision", "created_at"]


@admin.register(AppealResponse)
class AppealResponseAdmin(admin.ModelAdmin):
    list_display = ["id", "appeal", "party", "author", "created_at"]
    readonly_fields = [f.name for f in AppealResponse._meta.fields]


@admin.register(AppealEvidence)
class AppealEvidenceAdmin(admin.ModelAdmin):
    list_display = ["id", "appeal", "response", "file"]
    readonly_fields = [f.name for f in AppealEvidence._meta.fields]
