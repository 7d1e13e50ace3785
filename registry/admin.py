from django.contrib import admin

from audit.admin_changes import AuditedAdminMixin
from common.admin import ReadOnlyAdmin

from .models import (
    Brand,
    BrandInvitation,
    BrandMember,
    IPRight,
    ProtectionRule,
    RightDocument,
    RuleApproval,
    VerificationCode,
    WatchedTerm,
)


class BrandMemberInline(admin.TabularInline):
    model = BrandMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Brand)
class BrandAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "owner_company", "country", "trusted_flagger", "held_for_review"]
    list_filter = ["hold_status", "trusted_flagger"]
    # Released or kept by a senior reviewer on the held-brands page (brand_hold_decide), with a reason.
    readonly_fields = ["hold_reason", "hold_status", "hold_decision", "hold_decided_by",
                       "hold_decided_at"]
    search_fields = ["name", "owner_company"]
    inlines = [BrandMemberInline]


@admin.register(BrandMember)
class BrandMemberAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["brand", "user", "role", "authorized_until"]
    raw_id_fields = ["user"]


@admin.register(IPRight)
class IPRightAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "brand", "kind", "registered", "office", "registration_number", "status", "expires_on"]
    list_filter = ["kind", "registered", "status", "office"]
    search_fields = ["name", "registration_number", "brand__name"]
    # Status moves go through services (verification), never a raw edit; whether a right is
    # registered is fixed when it is created (registry.unregistered).
    readonly_fields = ["status", "verified_at", "verified_by", "rejection_reason", "correspondent_email",
                       "registered"]


@admin.register(VerificationCode)
class VerificationCodeAdmin(admin.ModelAdmin):
    list_display = ["right", "sent_to", "sent_by", "created_at", "expires_at", "attempts", "used_at", "invalidated_at"]
    # Codes are issued and spent through services; the hash is useless to read and must not be edited.
    readonly_fields = [f.name for f in VerificationCode._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(BrandInvitation)
class BrandInvitationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["email", "brand", "role", "created_at", "accepted_at"]
    search_fields = ["email", "brand__name"]
    readonly_fields = ["token_hash", "accepted_at", "accepted_by"]
    raw_id_fields = ["invited_by"]


@admin.register(ProtectionRule)
class ProtectionRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["brand", "kind", "mode", "updated_at"]
    list_filter = ["kind", "mode"]
    filter_horizontal = ["sellers"]


@admin.register(WatchedTerm)
class WatchedTermAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["term", "normalized", "kind", "brand"]
    search_fields = ["term", "normalized", "brand__name"]
    readonly_fields = ["normalized"]


@admin.register(RightDocument)
class RightDocumentAdmin(admin.ModelAdmin):
    """Read-only: a right's documents are what its reviewer verified against; uploads go through the right's page."""

    list_display = ["right", "role", "file", "uploaded_by", "created_at"]
    list_filter = ["role"]
    search_fields = ["right__name", "right__registration_number", "file__original_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RuleApproval)
class RuleApprovalAdmin(ReadOnlyAdmin):
    """Decided on the reviewers' page (registry.rule_claims), never edited here."""
    list_display = ["brand", "kind", "term", "rule_kind", "estimate", "status", "requested_by", "created_at"]
    list_filter = ["status", "kind"]
