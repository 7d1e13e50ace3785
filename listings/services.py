from django.db import transaction

from audit.transitions import transition

from .models import Listing
from .states import LISTING_TRANSITIONS


def listing_set_status(*, listing: Listing, status: str, actor=None, reason: str = "") -> bool:
    """Set a listing's marketplace status. Returns False when it already has that status.

    Idempotent so a re-delivered enforcement task changes nothing the second time.
    """
    with transaction.atomic():
        current = Listing.objects.select_for_update().values_list("status", flat=True).get(pk=listing.pk)
        if current == status:
            return False
        transition(obj=listing, to=status, actor=actor, table=LISTING_TRANSITIONS, field="status",
                   data={"reason": reason} if reason else None)
        return True


def listing_upsert(*, seller, external_id: str, **fields) -> tuple[Listing, bool]:
    """Create or update the mirror of one marketplace listing. Status is never set here:
    only enforcement changes it."""
    fields.pop("status", None)
    with transaction.atomic():
        listing, created = Listing.objects.update_or_create(
            external_id=external_id, defaults={"seller": seller, **fields}
        )
    return listing, created
