from django.apps import AppConfig


class ImageryConfig(AppConfig):
    """Pictures: listing images (fetched safely, hashed), brands' reference images, the near-
    neighbour index over their hashes, title fingerprints for re-listings, linked sellers.

    Sits above listings and certificates (it reuses their hashing), below complaints' consumers:
    monitoring turns its matches into cases. Listings reaches it by a signal, connected here.
    """

    name = "imagery"

    def ready(self) -> None:
        from listings.signals import listing_images_reported

        from . import services

        listing_images_reported.connect(services.on_listing_images_reported, dispatch_uid="imagery.images_reported")
