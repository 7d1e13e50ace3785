from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """Proactive protection: listing changes checked against the registry's rules.

    Sits above complaints and enforcement (it opens cases and suppresses listings through them),
    so listings and registry reach it only by signals, connected here.
    """

    name = "monitoring"

    def ready(self) -> None:
        from actions.events import actions_applied
        from listings.signals import listings_changed, listings_ingested
        from registry.signals import protection_changed, suppress_approved

        from . import batch, receivers

        listings_changed.connect(receivers.on_listings_changed, dispatch_uid="monitoring.listings_changed")
        # An ingest batch is checked in its own transaction, set-based (monitoring.batch).
        listings_ingested.connect(batch.on_listings_ingested, dispatch_uid="monitoring.listings_ingested")
        protection_changed.connect(receivers.on_protection_changed, dispatch_uid="monitoring.protection_changed")
        # A listing removed for infringement is fingerprinted then, for re-listings (services).
        actions_applied.connect(receivers.on_actions_applied, dispatch_uid="monitoring.actions_applied")
        suppress_approved.connect(receivers.on_suppress_approved, dispatch_uid="monitoring.suppress_approved")
