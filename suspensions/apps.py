from django.apps import AppConfig


class SuspensionsConfig(AppConfig):
    name = "suspensions"

    def ready(self):
        # A suspension covers the seller: a listing written under it is restricted in the same
        # transaction (listings.signals.listings_written).
        from listings.signals import listings_written

        from .services import suspension_restrict_ingested

        def on_listings_written(sender, listing_ids: list[int], **kwargs) -> None:
            suspension_restrict_ingested(listing_ids=listing_ids)

        listings_written.connect(on_listings_written, dispatch_uid="suspensions.restrict_ingested", weak=False)
