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

# Sent inside the ingest batch's transaction (listings.ingest.ingest_batch), after the merge and
# after `listings_written`, with `listings` (list[listings.ingest.WrittenListing]: every listing
# the batch created or changed, as written) and `extras` ({listing id: {key: value}}: the optional
# keys other apps registered, listings.schema.ingest_key_register). The one hook point of ingest:
# monitoring checks the listings here and writes its cases and suppressions set-based; a receiver
# that raises rolls the whole batch back.
listings_ingested = Signal()

# Sent inside the ingest transaction, after the listings are written, with `images`: {listing id:
# [payload, …]} for each item that carried an `images` list (a URL string, {"url": …}, {"pdq": hex}
# or {"phash": hex}). imagery stores the rows and queues the fetches (listings may not import it).
listing_images_reported = Signal()  # kwargs: images: dict[int, list]
