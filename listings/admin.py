from django.contrib import admin

from .models import Listing, Seller, SellerMember


class SellerMemberInline(admin.TabularInline):
    model = SellerMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Seller)
class SellerAdmin(admin.ModelAdmin):
    list_display = ["name", "external_id", "country"]
    search_fields = ["name", "external_id"]
    inlines = [SellerMemberInline]


@admin.register(SellerMember)
class SellerMemberAdmin(admin.ModelAdmin):
    list_display = ["seller", "user"]
    raw_id_fields = ["user"]


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ["external_id", "title", "seller", "ships_from", "price", "status"]
    list_filter = ["status", "ships_from"]
    search_fields = ["external_id", "title", "brand_name"]
    raw_id_fields = ["seller"]
    # Status changes only through enforcement, so they are audited and told to the marketplace.
    readonly_fields = ["status"]
