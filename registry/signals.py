"""Signals the registry sends to apps above it (it may not import them).

`protection_changed` is sent after commit whenever what automatic protection evaluates changes:
a brand's rules or watched terms, or a trademark becoming verified or expired. Kwargs: brand_id,
and recheck (True when the brand's existing listings should be checked again).
"""

from django.db import transaction
from django.dispatch import Signal

protection_changed = Signal()


def protection_changed_on_commit(*, brand_id: int, recheck: bool) -> None:
    transaction.on_commit(
        lambda: protection_changed.send(sender=None, brand_id=brand_id, recheck=recheck), robust=True)
