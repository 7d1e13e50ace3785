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


def copyright_a(world):
    """Brand A's copyright (product photographs): its removals take the DMCA counter-notice."""
    from registry.models import IPRight, RightKind, RightStatus, WorkType

    right, _ = IPRight.objects.get_or_create(
        brand=world.brand_a, kind=RightKind.COPYRIGHT, name="Acme product photographs",
        defaults={"work_type": WorkType.IMAGE, "author": "Acme", "status": RightStatus.VERIFIED})
    return right


def open_case(world, listing=None, kind="trademark"):
    listing = listing or world.listings_a[0]
    right = world.tm_a if kind == "trademark" else copyright_a(world)
    return file_report(reporter=world.alice, right=right, listings=[listing]).cases.get()


def held_case(world, reviewer=None):
    case = open_case(world)
    with transaction.atomic():
        case_claim(case=case, reviewer=reviewer or world.rev1)
    case.refresh_from_db()
    return case


def removed_case(world, reviewer=None, listing=None, kind="trademark"):
    """A case on one of sam's listings, removed (takedown applied, as after commit); `kind`
    "copyright" for one under brand A's copyright."""
    case = open_case(world, listing, kind)
    code = "tm_counterfeit" if kind == "trademark" else "cr_unauthorized_copy"
    with TestCase.captureOnCommitCallbacks(execute=True):
        claim_and_remove(case=case, reviewer=reviewer or world.rev1, code=code)
    case.refresh_from_db()
    return case
