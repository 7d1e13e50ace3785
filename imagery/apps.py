from django.apps import AppConfig


class ImageryConfig(AppConfig):
    """Pictures: listing images (fetched safely, hashed), brands' reference images, the near-
    neighbour index over their hashes, title fingerprints for re-listings, linked sellers.

    Sits above listings and certificates (it reuses their hashing), below complaints' consumers:
    monitoring turns its matches into cases (and records an ingest batch's pictures through it).
    Listings reaches it by a signal, connected here.
    """

    name = "imagery"

    def ready(self) -> None:
        from listings.api import images_ingest_check
        from listings.schema import ingest_key_register
        from listings.signals import listing_images_reported

        from . import services

        listing_images_reported.connect(services.on_listing_images_reported, dispatch_uid="imagery.images_reported")
        # The bulk ingest (listings.ingest.ingest_batch): an optional `images` list per listing change,
        # recorded by the batch's rule stage before it matches (monitoring.batch.on_listings_ingested).
        ingest_key_register("images", images_ingest_check)
