"""Shared personas and service gates.

Personas (as in STYLE.md): alice (admin of brand A), agent (agent of brand A), bob (admin of brand
B), rev1/rev2 (reviewers), senior/senior2 (senior reviewers), sam (seller A member), sue (seller B
member), outsider (no role). Tests that need a real service call `require_service`: on a
machine without it they skip with the reason; with CI=true they fail instead.
"""

import os
import socket
from types import SimpleNamespace

import pytest
from django.db import connection, transaction

from accounts.models import Role
from complaints.models import InfringementType, ReporterCapacity
from complaints.services import report_submit
from decisions.services import case_decide
from ipportal.celery import app as celery_app
from registry.models import BrandMember
from review.claims import case_claim

from .factories import (
    BrandMemberFactory,
    ListingFactory,
    SellerMemberFactory,
    TrademarkFactory,
    UserFactory,
)

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(available: bool, reason: str) -> None:
    if available:
        return
    if IN_CI:
        pytest.fail(f"{reason} — CI=true, so this test must not skip.", pytrace=False)
    pytest.skip(reason)


def redis_reachable(url: str) -> bool:
    from urllib.parse import urlparse

    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def require_postgres():
    require_service(connection.vendor == "postgresql",
                    "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def _own_audit_checkpoint(settings, tmp_path):
    """Each test's chain publishes its signed head to a file of its own (audit.signing), so a
    chain of an earlier test can never be taken for this one's."""
    settings.AUDIT_CHECKPOINT_FILE = str(tmp_path / "audit-checkpoint.json")


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Every persona has a password; the production hasher's work factor made each user ~0.5 s."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _eager_tasks(request):
    """Tasks run in-process in tests, except those that start a real worker."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    old = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = old


@pytest.fixture
def world(db):
    alice = UserFactory(username="alice", role=Role.RIGHTS_HOLDER)
    agent = UserFactory(username="agent", role=Role.RIGHTS_HOLDER)
    bob = UserFactory(username="bob", role=Role.RIGHTS_HOLDER)
    member_a = BrandMemberFactory(user=alice, brand__name="Acme")
    brand_a = member_a.brand
    BrandMemberFactory(user=agent, brand=brand_a, role="agent")
    brand_b = BrandMemberFactory(user=bob, brand__name="Borealis").brand
    tm_a = TrademarkFactory(brand=brand_a, name="ACME")
    tm_b = TrademarkFactory(brand=brand_b, name="BOREALIS")
    sam = UserFactory(username="sam", role=Role.SELLER)
    sue = UserFactory(username="sue", role=Role.SELLER)
    seller_a = SellerMemberFactory(user=sam).seller
    seller_b = SellerMemberFactory(user=sue).seller
    return SimpleNamespace(
        alice=alice, agent=agent, bob=bob, brand_a=brand_a, brand_b=brand_b, tm_a=tm_a, tm_b=tm_b,
        rev1=UserFactory(username="rev1", role=Role.REVIEWER),
        rev2=UserFactory(username="rev2", role=Role.REVIEWER),
        senior=UserFactory(username="senior", role=Role.SENIOR_REVIEWER),
        senior2=UserFactory(username="senior2", role=Role.SENIOR_REVIEWER),
        sam=sam, sue=sue, seller_a=seller_a, seller_b=seller_b,
        outsider=UserFactory(username="outsider", role=""),
        listings_a=[ListingFactory(seller=seller_a) for _ in range(3)],
        listings_b=[ListingFactory(seller=seller_b) for _ in range(2)],
    )


# The smallest complete answers for each kind of report (complaints/kinds.py).
DETAILS_BY_KIND = {
    "trademark": {"where_on_listing": ["title", "images"]},
    "patent": {"claims": "1", "claim_reading": "The product has every feature of claim 1."},
    "design": {"copied_features": "The shape of the lamp's base."},
    "copyright": {"original_work": "Product photo, 2024", "original_location": "https://example.test/photo",
                  "copied_material": "The main listing image."},
}


def file_report(*, reporter, right, listings, **overrides):
    """File a complete report of the right's kind through the service (test helper)."""
    agent = BrandMember.objects.filter(user=reporter, brand=right.brand, role="agent").exists()
    fields = dict(
        reporter=reporter, brand=right.brand, right=right,
        capacity=ReporterCapacity.AGENT if agent else ReporterCapacity.OWNER,
        infringement_type=InfringementType.COUNTERFEIT if right.kind == "trademark" else "",
        details=DETAILS_BY_KIND[right.kind],
        explanation="Replica of our goods.",
        contact_email="legal@example.test", listings=listings, signature="Alice Example",
        declarations={"good_faith": True, "accurate": True, "authority": True},
    )
    fields.update(overrides)
    return report_submit(**fields)


def claim(case, reviewer):
    """Claim `case` for `reviewer` through the service, committed as the view does; `case` is
    refreshed (test helper)."""
    with transaction.atomic():
        case_claim(case=case, reviewer=reviewer)
    case.refresh_from_db()


def report_with_cases(world, n):
    """A report by alice on `n` new listings of seller A under the Acme trademark, and its cases
    in id order (test helper)."""
    from .factories import ListingFactory

    report = file_report(reporter=world.alice, right=world.tm_a,
                         listings=[ListingFactory(seller=world.seller_a) for _ in range(n)])
    return report, list(report.cases.order_by("id"))


def claim_and_remove(*, case, reviewer, code="tm_counterfeit"):
    with transaction.atomic():
        case_claim(case=case, reviewer=reviewer)
    return case_decide(case=case, reviewer=reviewer, reason_code=code, facts="Replica sold at 9.99.")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded evidence goes to a fresh directory per test, never into the worktree's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="session", autouse=True)
def _cache_in_memory():
    """Tests keep the cache in this process's memory: with a Redis broker the settings choose Redis
    (settings.CACHES), whose clear() between tests would empty the broker's database."""
    from django.test import override_settings

    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        yield


@pytest.fixture(autouse=True)
def _second_factor_off_for_staff(settings):
    """Personas log in with force_login and no second factor; tests/accounts/test_two_factor.py
    turns the requirement back on."""
    settings.OTP_REQUIRED_FOR_STAFF = False


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The queue caches its per-filter counts; one test's counts must not leak into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_matcher():
    """Monitoring caches its automaton per process by rules version; each test's database is rolled
    back under it, so forget it around every test."""
    from monitoring.matcher import matcher_forget

    matcher_forget()
    yield
    matcher_forget()
