from django.apps import AppConfig


class CounterNoticesConfig(AppConfig):
    name = "counter_notices"

    def ready(self):
        from decisions.challenges import challenge_kind

        from .services import counter_notice_open_on

        challenge_kind("counter_notice", counter_notice_open_on)
