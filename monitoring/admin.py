from django.contrib import admin

from .models import ProtectionVersion, RecheckJob


@admin.register(ProtectionVersion)
class ProtectionVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "changed_at"]
    # Bumped by monitoring.services only; an edit here would not reach the processes' automata sooner.
    readonly_fields = ["version", "changed_at"]


@admin.register(RecheckJob)
class RecheckJobAdmin(admin.ModelAdmin):
    list_display = ["brand", "status", "checked", "total", "hits", "created_at", "finished_at"]
    list_filter = ["status"]
    # Progress is written by the chunk tasks; the admin only looks.
    readonly_fields = ["brand", "status", "total", "checked", "hits", "cursor", "upto", "finished_at"]
