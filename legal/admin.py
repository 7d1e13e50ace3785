from django.contrib import admin

from common.admin import ReadOnlyAdmin

from .models import EvidencePackage, OffenceNotification, PackageDownload, Referral, ShareLink, TestBuy, TestBuyPhoto


@admin.register(EvidencePackage)
class EvidencePackageAdmin(ReadOnlyAdmin):
    list_display = ("id", "scope", "status", "requested_by", "created_at")


@admin.register(PackageDownload)
class PackageDownloadAdmin(ReadOnlyAdmin):
    list_display = ("id", "package", "user", "share", "ip", "at")


@admin.register(TestBuy)
class TestBuyAdmin(ReadOnlyAdmin):
    list_display = ("id", "listing", "verdict", "recorded_by", "created_at")


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ("id", "seller", "agency", "state", "created_at")


@admin.register(ShareLink)
class ShareLinkAdmin(ReadOnlyAdmin):
    list_display = ("id", "referral", "recipient", "expires_at", "used_at")
    exclude = ("token_hash",)


@admin.register(OffenceNotification)
class OffenceNotificationAdmin(ReadOnlyAdmin):
    list_display = ("id", "case", "threat", "state", "created_at")


@admin.register(TestBuyPhoto)
class TestBuyPhotoAdmin(ReadOnlyAdmin):
    list_display = ("id", "test_buy", "kind", "file")
