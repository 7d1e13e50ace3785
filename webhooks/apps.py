from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self):
        # The outbox is written in the transaction that applies actions (actions.events).
        from actions.events import actions_applied
        from suspensions.signals import seller_standing_changed

        from .services import on_actions_applied, on_seller_standing_changed

        actions_applied.connect(on_actions_applied, dispatch_uid="webhooks.outbox")
        # And in the transaction that suspends or reinstates a seller.
        seller_standing_changed.connect(on_seller_standing_changed, dispatch_uid="webhooks.seller_outbox")
