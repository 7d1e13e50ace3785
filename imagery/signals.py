"""Signals imagery sends to apps above it (it may not import them).

`seller_signals_added` is sent inside the transaction that stored new linking signals (imagery.
services.seller_signals_set), with `seller_ids`: the sellers that got a signal. A link that arrives
after a seller's suspension was approved is flagged for review in the same transaction
(suspensions.services.linked_flags_raise).
"""

from django.dispatch import Signal

seller_signals_added = Signal()  # kwargs: seller_ids: list[int]
