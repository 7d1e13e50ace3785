from django.contrib import admin

from common.admin import ReadOnlyAdmin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "object_id", "recipients", "created_at", "sent_at"]
    list_filter = ["kind"]
