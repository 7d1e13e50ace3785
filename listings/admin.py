from django.contrib import admin

from audit.admin_changes import AuditedAdminMixin
from common.admin import ReadOnlyAdmin

from .models import IngestStreamOffset, Listing, Seller, SellerLinkUse, SellerMember
from .services import listing_upsert


class SellerMemberInline(admin.TabularInline):
    model = SellerMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Seller)
class SellerAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "external_id", "country"]
    search_fields = ["name", "external_id"]
    inlines = [SellerMemberInline]


@admin.register(SellerMember)
class SellerMemberAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["seller", "user"]
    raw_id_fields = ["user"]


@admin.register(Listing)
class ListingAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["external_id", "title", "seller", "ships_from", "price", "status"]
    list_filter = ["status", "ships_from"]
    search_fields = ["external_id", "title", "brand_name"]
    raw_id_fields = ["seller"]
    # Status changes only through enforcement, so they are audited and told to the marketplace.
    readonly_fields = ["status"]

    def get_readonly_fields(self, request, obj=None):
        # The marketplace's id is the listing's identity; an edit cannot move it to another.
        return ["status", "external_id"] if obj is not None else ["status"]

    def save_model(self, request, obj, form, change):
        # Through the one upsert path, so an admin edit is checked by monitoring like any other.
        fields = {f: form.cleaned_data[f] for f in form.cleaned_data if f not in ("seller", "external_id", "status")}
        listing, _ = listing_upsert(seller=form.cleaned_data["seller"], external_id=obj.external_id, **fields)
        obj.pk = listing.pk


@admin.register(SellerLinkUse)
class SellerLinkUseAdmin(ReadOnlyAdmin):
    """Seller-console links already used: each works once."""

    list_display = ["email", "seller", "used_at"]


@admin.register(IngestStreamOffset)
class IngestStreamOffsetAdmin(ReadOnlyAdmin):
    """How far each stream partition's listing changes are applied (listings.stream)."""

    list_display = ["stream", "last_ms", "last_seq", "applied", "updated_at"]
