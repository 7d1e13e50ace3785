"""Signals the registry sends to apps above it (it may not import them).

`protection_changed` is sent after commit whenever what automatic protection evaluates changes:
a brand's rules or watched terms, or a trademark becoming verified or expired. Kwargs: brand_id,
and recheck (True when the brand's existing listings should be checked again).
"""

from django.db import transaction
from django.dispatch import Signal

protection_changed = Signal()
# A reviewer approved a rule's suppress mode (registry.rule_claims): the cases it flagged meanwhile are
# suppressed now. Kwargs: brand_id, rule_kind. Sent after commit.
suppress_approved = Signal()


def protection_changed_on_commit(*, brand_id: int, recheck: bool) -> None:
    transaction.on_commit(
        lambda: protection_changed.send(sender=None, brand_id=brand_id, recheck=recheck), robust=True)


def suppress_approved_on_commit(*, brand_id: int, rule_kind: str) -> None:
    transaction.on_commit(
        lambda: suppress_approved.send(sender=None, brand_id=brand_id, rule_kind=rule_kind), robust=True)


# Asked while a brand is created (inside its transaction): receivers answer a reason to hold the new
# brand for review, or "" (complaints: its creator belongs to a suspended brand). Kwargs: user.
brand_hold_reasons = Signal()
