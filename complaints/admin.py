from django.contrib import admin

from audit.admin_changes import AuditedAdminMixin
from common.admin import ReadOnlyAdmin

from .models import (
    Case,
    CaseNote,
    Decision,
    InfoAnswerEvidence,
    InfoRequest,
    OpenNotice,
    Report,
    ReportCaseLink,
    ReportDraft,
    ReportEvidence,
    Sanction,
)


class CaseInline(admin.TabularInline):
    model = Case
    extra = 0
    fields = ["listing", "state", "priority", "claimed_by"]
    readonly_fields = fields
    can_delete = False


@admin.register(Report)
class ReportAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "brand", "right", "reporter", "kind", "created_at"]
    list_filter = ["kind", "brand"]
    raw_id_fields = ["reporter", "right", "brand"]
    inlines = [CaseInline]


@admin.register(Case)
class CaseAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "listing", "right", "state", "priority", "claimed_by", "created_at"]
    list_filter = ["state", "priority"]
    search_fields = ["listing__external_id"]
    # State moves go through the services (audited); the admin shows them.
    readonly_fields = ["state", "claimed_by", "claim_expires_at", "listing_snapshot"]
    raw_id_fields = ["report", "listing", "right", "brand"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["id", "case", "outcome", "reason_code", "decided_by", "created_at"]
    list_filter = ["outcome", "reason_code"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportEvidence)
class ReportEvidenceAdmin(admin.ModelAdmin):
    """Which files were filed with which report: a record, read-only here."""

    list_display = ["id", "report", "file"]
    raw_id_fields = ["report", "file"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InfoAnswerEvidence)
class InfoAnswerEvidenceAdmin(admin.ModelAdmin):
    """Which files were sent with which answer to a reviewer's question: a record, read-only here."""

    list_display = ["id", "info_request", "file"]
    raw_id_fields = ["info_request", "file"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportCaseLink)
class ReportCaseLinkAdmin(admin.ModelAdmin):
    """A report's listing that joined a case already under review: a record, read-only here."""

    list_display = ["id", "report", "case", "created_at"]
    raw_id_fields = ["report", "case"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportDraft)
class ReportDraftAdmin(admin.ModelAdmin):
    list_display = ["reference", "brand", "right", "created_by", "updated_at"]
    raw_id_fields = ["brand", "right", "created_by", "evidence"]


@admin.register(Sanction)
class SanctionAdmin(admin.ModelAdmin):
    list_display = ["id", "level", "brand", "reporter", "status", "created_at", "decided_by"]
    list_filter = ["level", "status"]
    # Proposed by the system, decided on the senior's page (audited); the admin shows them.
    readonly_fields = [f.name for f in Sanction._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(CaseNote)
class CaseNoteAdmin(admin.ModelAdmin):
    """Notes are written on the case page (audited); the admin only reads them."""

    list_display = ["id", "case", "author", "created_at"]
    raw_id_fields = ["case", "author"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(InfoRequest)
class InfoRequestAdmin(admin.ModelAdmin):
    """Questions are asked and answered through the services (they move the case); read only here."""

    list_display = ["id", "case", "asked_by", "deadline", "answered_at", "expired_at"]
    raw_id_fields = ["case", "asked_by", "answered_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OpenNotice)
class OpenNoticeAdmin(ReadOnlyAdmin):
    """Notices from people without an account, as typed; the confirmed ones link their report."""

    list_display = ["reference", "email", "kind", "right_name", "created_at", "confirmed_at", "report"]
    list_filter = ["kind"]
    search_fields = ["email", "right_name"]
