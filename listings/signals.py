"""Signals listings sends to apps above it (it may not import them).

`listings_written` is sent inside the transaction that created or updated listings, with
`listing_ids`: what must hold the moment a listing exists (a suspended seller's new listing is
restricted at once) is written with it; a receiver that raises rolls the write back.
`listings_changed` is sent after the transaction that created or updated listings commits, with
`listing_ids`: monitoring checks those listings against the registry's protection rules.
"""

from django.dispatch import Signal

listings_written = Signal()  # kwargs: listing_ids: list[int]
listings_changed = Signal()  # kwargs: listing_ids: list[int]
# Sent inside the ingest transaction, after the listings are written, with `images`: {listing id:
# [payload, …]} for each item that carried an `images` list (a URL string, {"url": …}, {"pdq": hex}
# or {"phash": hex}). imagery stores the rows and queues the fetches (listings may not import it).
listing_images_reported = Signal()  # kwargs: images: dict[int, list]
