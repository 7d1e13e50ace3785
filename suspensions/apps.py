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

        # A link the marketplace sends after a suspension was approved is flagged for review in the
        # transaction that stores it (imagery.signals.seller_signals_added).
        from imagery.signals import seller_signals_added

        from .services import linked_flags_for_new_signals

        def on_seller_signals_added(sender, seller_ids: list[int], **kwargs) -> None:
            linked_flags_for_new_signals(seller_ids=seller_ids)

        seller_signals_added.connect(on_seller_signals_added, dispatch_uid="suspensions.linked_flags", weak=False)
