"""Signal receivers: the edge where listings, registry and actions reach monitoring. No logic
here, only the hand-off to a task (queued; run in-process when tasks run eagerly) or to a service
that must write in the sender's transaction."""

from actions.models import ActionKind

from . import services, tasks

CHECK_BATCH = 500


def on_listings_changed(sender, listing_ids: list[int], **kwargs) -> None:
    for i in range(0, len(listing_ids), CHECK_BATCH):
        tasks.check_listings.delay(listing_ids[i:i + CHECK_BATCH])


def on_protection_changed(sender, brand_id: int, recheck: bool, **kwargs) -> None:
    services.protection_version_bump()
    if recheck:
        services.recheck_start(brand_id=brand_id)


def on_suppress_approved(sender, brand_id: int, rule_kind: str, **kwargs) -> None:
    services.flagged_cases_suppress(brand_id=brand_id, rule_kind=rule_kind)


def on_actions_applied(sender, *, actions, **kwargs) -> None:
    services.removed_titles_fingerprint(
        listing_ids=[a.listing_id for a in actions if a.kind == ActionKind.REMOVE and a.decision_id is not None])
