"""Signals suspensions sends to apps above it (it may not import them).

`seller_standing_changed` is sent in the transaction that approves (`suspended=True`) or lifts
(`suspended=False`) a seller's `suspension`: webhooks writes the marketplace's seller event in it,
so the event commits with the change or not at all.
"""

from django.dispatch import Signal

seller_standing_changed = Signal()  # kwargs: suspension: Suspension, suspended: bool
