"""The automaton is built once per process, rebuilt when the rules' version moves, and follows the
verification state of the marks."""

import re

import pytest
from django.core import mail

from complaints.models import Case, CaseSource
from monitoring.matcher import current_matcher, protection_version
from monitoring.services import listings_check, protection_version_bump
from registry.models import IPRight, RightStatus
from registry.services import right_confirm_code, right_send_code, rights_expire_due

from ..factories import ListingFactory, TrademarkFactory
from .helpers import set_rules, upsert

pytestmark = pytest.mark.django_db


def test_the_automaton_is_reused_until_the_version_moves(world, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks)
    first = current_matcher()
    assert current_matcher() is first
    before = protection_version()
    protection_version_bump()
    assert protection_version() == before + 1 and current_matcher() is not first


def test_saving_rules_moves_the_version(world, django_capture_on_commit_callbacks):
    before = protection_version()
    set_rules(world, django_capture_on_commit_callbacks)
    assert protection_version() == before + 1


def test_checking_many_listings_costs_a_fixed_number_of_queries(world, django_capture_on_commit_callbacks,
                                                                django_assert_num_queries):
    set_rules(world, django_capture_on_commit_callbacks)
    ids = [ListingFactory(seller=world.seller_b, title=f"Plain lamp {i}").pk for i in range(40)]
    current_matcher()  # built once; then: the version, the open automatic cases, the listings, their
    # pictures (imagery) and whether anything is removed (re-listings; no fingerprint is stored)
    with django_assert_num_queries(5):
        assert listings_check(listing_ids=ids) == 0


def test_a_newly_verified_mark_is_watched_and_an_expired_one_is_not(world, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks)
    nova = TrademarkFactory(brand=world.brand_a, name="NOVA", status=RightStatus.PENDING)
    assert not Case.objects.filter(listing=upsert(django_capture_on_commit_callbacks, world.seller_b, "N-1",
                                                  title="NOVA speaker")).exists()
    # Verified through the code (right_confirm_code sends protection_changed).
    with django_capture_on_commit_callbacks(execute=True):
        right_send_code(right=nova, reviewer=world.rev1, correspondent_email="tm@record.example")
    code = re.search(r"\b(\d{4}) (\d{4})\b", mail.outbox[-1].body).group(0)
    with django_capture_on_commit_callbacks(execute=True):
        right_confirm_code(right=nova, by=world.alice, code=code)
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, "N-2", title="NOVA speaker")
    assert Case.objects.get(listing=listing, source=CaseSource.AUTOMATIC).right == nova

    IPRight.objects.filter(brand=world.brand_a).update(expires_on="2020-01-01", registered_on="2010-01-01")
    with django_capture_on_commit_callbacks(execute=True):
        rights_expire_due()
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, "N-3", title="ACME NOVA speaker")
    assert not Case.objects.filter(listing=listing).exists()


def test_the_ingest_batch_writes_every_column_of_a_case():
    # monitoring.batch writes automatic cases as rows: a column added to Case must be added there too.
    from complaints.models import Case
    from monitoring.batch import _CASE_COLUMNS

    assert sorted(_CASE_COLUMNS) == sorted(f.column for f in Case._meta.concrete_fields if not f.primary_key)
