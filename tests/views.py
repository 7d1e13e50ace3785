"""Helpers for the view tests: the login redirect, and cases brought to a state via the services."""

from urllib.parse import quote

from django.db import transaction
from django.test import TestCase
from django.urls import reverse

from review.claims import case_claim

from .conftest import claim_and_remove, file_report


def assert_login_redirect(response, url: str) -> None:
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={quote(url)}"


def open_case(world, listing=None):
    listing = listing or world.listings_a[0]
    return file_report(reporter=world.alice, right=world.tm_a, listings=[listing]).cases.get()


def held_case(world, reviewer=None):
    case = open_case(world)
    with transaction.atomic():
        case_claim(case=case, reviewer=reviewer or world.rev1)
    case.refresh_from_db()
    return case


def removed_case(world, reviewer=None, listing=None):
    """A case on one of sam's listings, removed (takedown applied, as after commit)."""
    case = open_case(world, listing)
    with TestCase.captureOnCommitCallbacks(execute=True):
        claim_and_remove(case=case, reviewer=reviewer or world.rev1)
    case.refresh_from_db()
    return case
