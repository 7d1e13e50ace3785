from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "appeals"

    def ready(self):
        from decisions.challenges import challenge_kind

        from .services import appeal_open_on

        challenge_kind("appeal", appeal_open_on)
