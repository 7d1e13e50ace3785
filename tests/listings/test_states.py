import pytest

from listings.models import ListingStatus
from listings.states import LISTING_TRANSITIONS

from ..factories import ListingFactory
from ..transitions import all_pairs, assert_move_obeys_table


def test_the_table_names_every_listing_status():
    assert set(LISTING_TRANSITIONS) == set(ListingStatus.values)


@pytest.mark.django_db
@pytest.mark.parametrize("current,to", all_pairs(ListingStatus))
def test_a_listing_moves_only_as_the_table_allows(current, to):
    listing = ListingFactory(status=current)
    assert_move_obeys_table(obj=listing, to=to, table=LISTING_TRANSITIONS, field="status")
