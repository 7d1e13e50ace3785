from django.contrib import admin

from audit.admin_changes import AuditedAdminMixin

from .models import CounterNotice, CounterNoticeEvidence


@admin.register(CounterNotice)
class CounterNoticeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["id", "case", "status", "court_action_due", "reinstate_on", "created_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in CounterNotice._meta.fields]


@admin.register(CounterNoticeEvidence)
class CounterNoticeEvidenceAdmin(admin.ModelAdmin):
    list_display = ["id", "counter_notice", "party", "file"]
    readonly_fields = [f.name for f in CounterNoticeEvidence._meta.fields]
