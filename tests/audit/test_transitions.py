import pytest

from audit.models import AuditEntry
from audit.transitions import transition
from listings.models import ListingStatus
from listings.states import LISTING_TRANSITIONS

from ..factories import ListingFactory


# Transactional: a plain db test already runs inside an atomic block, which would hide the check.
@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_run_outside_a_transaction():
    listing = ListingFactory()
    with pytest.raises(RuntimeError, match="inside transaction.atomic"):
        transition(obj=listing, to=ListingStatus.REMOVED, actor=None, table=LISTING_TRANSITIONS, field="status")
    listing.refresh_from_db()
    assert listing.status == ListingStatus.ACTIVE
    assert AuditEntry.objects.count() == 0
