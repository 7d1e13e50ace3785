"""Read-only: certificates and the log are written only by the services, and never edited."""

from django.contrib import admin

from common.admin import ReadOnlyAdmin

from .models import Certificate, CertificateDispute, LogHead, LogKey, LogNode, TreeHead


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "title", "owner_name", "work_type", "leaf_index", "registered_at"]
    list_filter = ["work_type"]
    search_fields = ["public_id", "title", "sha256"]


@admin.register(TreeHead)
class TreeHeadAdmin(ReadOnlyAdmin):
    list_display = ["tree_size", "timestamp", "key"]


@admin.register(LogKey)
class LogKeyAdmin(ReadOnlyAdmin):
    list_display = ["public_key_b64", "created_at"]


@admin.register(LogNode)
class LogNodeAdmin(ReadOnlyAdmin):
    list_display = ["level", "index"]


@admin.register(LogHead)
class LogHeadAdmin(ReadOnlyAdmin):
    list_display = ["tree_size"]


@admin.register(CertificateDispute)
class CertificateDisputeAdmin(ReadOnlyAdmin):
    list_display = ["id", "earlier", "brand", "state", "opened_at"]
    list_filter = ["state"]
