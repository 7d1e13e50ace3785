"""Eight reviewers press "claim next" at once until the queue is empty: SKIP LOCKED must hand
every case to exactly one of them. Needs PostgreSQL (SQLite has no row locks to skip)."""

import threading
from collections import Counter

import pytest
from django.db import connections
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEntry
from complaints.models import Case, CaseState, Report
from complaints.sla import case_due_at
from listings.models import Listing
from review.claims import case_claim_next

from ..conftest import file_report
from ..factories import UserFactory

CASES = 2000
CLAIMERS = 8


def _open_cases(world, count: int) -> list[int]:
    """Bulk-create `count` open cases on as many fresh listings (one report holds them all)."""
    report = file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_b[0]])
    Listing.objects.bulk_create(
        Listing(external_id=f"RACE-{n:06d}", seller=world.seller_b, title=f"Replica {n}", description="",
                price="9.99")
        for n in range(count)
    )
    listings = Listing.objects.filter(external_id__startswith="RACE-").order_by("id")
    Case.objects.bulk_create(
        Case(report=report, listing=listing, right=world.tm_a, brand=world.brand_a, kind=world.tm_a.kind,
             priority=n % 3, listing_snapshot={},
             due_at=case_due_at(priority=n % 3, created_at=timezone.now()))
        for n, listing in enumerate(listings)
    )
    report.cases.filter(listing=world.listings_b[0]).delete()  # keep only the bulk-created cases
    return list(Report.objects.get(pk=report.pk).cases.values_list("id", flat=True))


@pytest.mark.django_db(transaction=True)
def test_concurrent_claimers_each_get_every_case_exactly_once(require_postgres, world, settings):
    settings.REVIEW_MAX_OPEN_CLAIMS = CASES  # the race, not the per-reviewer cap, is under test here
    case_ids = _open_cases(world, CASES)
    assert len(case_ids) == CASES
    reviewers = [UserFactory(username=f"racer{i}", role=Role.REVIEWER) for i in range(CLAIMERS)]
    claimed: dict[int, list[int]] = {r.pk: [] for r in reviewers}
    errors: list[BaseException] = []
    start = threading.Barrier(CLAIMERS)

    def claimer(reviewer) -> None:
        try:
            start.wait()
            while (case := case_claim_next(reviewer=reviewer)) is not None:
                claimed[reviewer.pk].append(case.pk)
        except BaseException as exc:  # noqa: B036 - re-raised in the main thread below
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=claimer, args=(r,)) for r in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a claimer hung"
    assert not errors, errors

    got = Counter(pk for pks in claimed.values() for pk in pks)
    assert [pk for pk, n in got.items() if n > 1] == []  # nobody was handed a case twice
    assert sorted(got) == sorted(case_ids)  # and none was left behind
    assert sum(1 for pks in claimed.values() if pks) > 1  # it really was a race between claimers

    holders = dict(Case.objects.values_list("id", "claimed_by_id"))
    for reviewer_id, pks in claimed.items():
        assert {holders[pk] for pk in pks} <= {reviewer_id}
    assert not Case.objects.exclude(state=CaseState.IN_REVIEW).exists()
    assert AuditEntry.objects.filter(action="case.in_review").count() == CASES
