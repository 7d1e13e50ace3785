"""What applying actions announces, inside the transaction that applies them: `actions_applied`,
for the apps above that must record something with the change and commit or roll back with it
(webhooks writes the marketplace's events, its outbox). Actions imports none of them."""

import functools
import hashlib
from typing import NamedTuple

from django.conf import settings
from django.dispatch import Signal


class AppliedAction(NamedTuple):
    action_id: int
    kind: str
    listing_id: int
    decision_id: int | None  # None: one of a suspension's (or its lift's) actions
    idempotency_key: str
    # The listing's status before and after: equal when the action changed nothing the marketplace
    # sees (a suspension lifted over a takedown, a second restriction), and then nothing is told.
    from_status: str
    to_status: str

    @property
    def changed(self) -> bool:
        return self.from_status != self.to_status


# Sent in the applying transaction with `actions` (list[AppliedAction]), `job_id` (their bulk job,
# or None), `single` (one action applied alone, or a chunk), and for a chunk what it has read
# already: `listings` ({id: (external id, seller's external id)}) and `decisions` ({id: (case id,
# reason code, statement)}). A receiver that raises rolls the actions back.
actions_applied = Signal()


def action_event_id(idempotency_key: str) -> str:
    """An action's event id (sent to the marketplace as webhook-id), derived from its idempotency
    key: the same whichever path applies it, and again if its event ever had to be written again,
    so a receiver deduplicating by webhook-id sees one event per takedown. Keyed by this
    installation (a hash of SECRET_KEY), so a staging and a production portal never send the same
    id."""
    return "evt_" + hashlib.sha256(_installation_key() + idempotency_key.encode()).hexdigest()[:32]


@functools.cache
def _installation_key() -> bytes:
    return hashlib.sha256(f"ipportal.webhook-event-id:{settings.SECRET_KEY}".encode()).digest()
