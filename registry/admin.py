from django.contrib import admin

from .models import Brand, BrandMember, IPRight


class BrandMemberInline(admin.TabularInline):
    model = BrandMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "owner_company", "country", "trusted_flagger"]
    search_fields = ["name", "owner_company"]
    inlines = [BrandMemberInline]


@admin.register(BrandMember)
class BrandMemberAdmin(admin.ModelAdmin):
    list_display = ["brand", "user", "role", "authorized_until"]
    raw_id_fields = ["user"]


@admin.register(IPRight)
class IPRightAdmin(admin.ModelAdmin):
    list_display = ["name", "brand", "kind", "office", "registration_number", "status", "expires_on"]
    list_filter = ["kind", "status", "office"]
    search_fields = ["name", "registration_number", "brand__name"]
    # Status moves go through services (verification), never a raw edit.
    readonly_fields = ["status", "verified_at", "verified_by"]
