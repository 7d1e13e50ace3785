from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows written only by the services (audited): the admin looks, it does not change."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
