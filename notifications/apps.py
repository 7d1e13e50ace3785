from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        # Each app's mails.py registers the e-mail steps it owns (as the admin finds admin.py).
        autodiscover_modules("mails")
