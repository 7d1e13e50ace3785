from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self):
        # The outbox is written in the transaction that applies actions (actions.events).
        from actions.events import actions_applied

        from .services import on_actions_applied

        actions_applied.connect(on_actions_applied, dispatch_uid="webhooks.outbox")
