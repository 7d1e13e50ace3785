from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from rest_framework.authtoken.models import TokenProxy

from audit.admin_changes import AuditedAdminMixin
from common.admin import ReadOnlyAdmin

from .models import ApiToken, User
from .tokens import api_token_revoke


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    list_display = ["username", "email", "role", "is_staff", "is_active"]
    list_filter = ["role", "is_staff", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + (("Role", {"fields": ["role"]}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("Role", {"fields": ["role"]}),)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens by their prefix only: the key is never stored, so never shown."""
    list_display = ["prefix", "user", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["revoked_at"]
    search_fields = ["prefix", "user__username"]
    fields = list_display
    actions = ["revoke"]

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        revoked = sum(api_token_revoke(user=t.user, actor=request.user)
                      for t in queryset.filter(revoked_at__isnull=True).select_related("user"))
        messages.info(request, f"{revoked} token(s) revoked.")


# DRF's own admin would list clear-text keys; none are left (accounts migration 0003), nor shown.
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)
