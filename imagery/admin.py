from django.contrib import admin

from common.admin import ReadOnlyAdmin

from .models import ListingImage, ReferenceImage, SellerSignal, TitleFingerprint


@admin.register(ListingImage)
class ListingImageAdmin(ReadOnlyAdmin):
    list_display = ["listing", "position", "origin", "status", "failure", "attempts", "current", "created_at"]
    list_filter = ["status", "origin", "current"]
    search_fields = ["listing__external_id", "sha256"]


@admin.register(ReferenceImage)
class ReferenceImageAdmin(ReadOnlyAdmin):
    list_display = ["right", "kind", "label", "created_at"]
    list_filter = ["kind"]


@admin.register(TitleFingerprint)
class TitleFingerprintAdmin(ReadOnlyAdmin):
    list_display = ["listing", "simhash"]


@admin.register(SellerSignal)
class SellerSignalAdmin(ReadOnlyAdmin):
    list_display = ["seller", "kind", "created_at"]
    list_filter = ["kind"]
