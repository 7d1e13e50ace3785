"""A member of a suspended brand (or a suspended reporter) who opens a new brand finds it held for
review: it files nothing until trust and safety release it."""

import pytest

from complaints.models import Sanction, SanctionLevel
from complaints.sanctions import sanction_confirm
from complaints.services import ReportError
from registry.services import brand_create, brand_hold_decide

from ..conftest import file_report
from ..factories import ListingFactory, TrademarkFactory

pytestmark = pytest.mark.django_db


def _suspend(world, **subject):
    sanction = Sanction.objects.create(level=SanctionLevel.SUSPENSION, figures={}, reason="Unfounded.", **subject)
    sanction_confirm(sanction=sanction, senior=world.senior)


def test_a_suspended_brands_member_opens_a_brand_that_is_held(world):
    _suspend(world, brand=world.brand_a)
    fresh = brand_create(user=world.agent, name="Acme Two", website="", owner_company="Acme", country="US")
    assert fresh.held_for_review and "Acme, whose notices are suspended" in fresh.hold_reason
    with pytest.raises(ReportError, match="held for review"):
        file_report(reporter=world.agent, right=TrademarkFactory(brand=fresh, name="ACMETWO"),
                    listings=[ListingFactory()])


def test_a_suspended_reporters_new_brand_is_held(world):
    _suspend(world, reporter=world.alice)
    assert brand_create(user=world.alice, name="Fresh", website="", owner_company="F", country="US").held_for_review


def test_others_open_brands_as_before_and_release_lets_it_file(world):
    _suspend(world, brand=world.brand_a)
    other = brand_create(user=world.bob, name="Bob Two", website="", owner_company="B", country="US")
    assert not other.held_for_review
    held = brand_create(user=world.agent, name="Acme Three", website="", owner_company="A", country="US")
    with pytest.raises(ReportError, match="held for review"):
        file_report(reporter=world.agent, right=TrademarkFactory(brand=held, name="ACMEFOUR"),
                    listings=[ListingFactory()])
    brand_hold_decide(brand=held, senior=world.senior, release=True, reason="Separate company, checked registry.")
    file_report(reporter=world.agent, right=TrademarkFactory(brand=held, name="ACMETHREE"), listings=[ListingFactory()])
