from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Shared helpers"

    def ready(self) -> None:
        from . import lookups

        lookups.register()
