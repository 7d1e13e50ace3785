"""Signals listings sends to apps above it (it may not import them).

`listings_changed` is sent after the transaction that created or updated listings commits, with
`listing_ids`: monitoring checks those listings against the registry's protection rules.
"""

from django.dispatch import Signal

listings_changed = Signal()  # kwargs: listing_ids: list[int]
