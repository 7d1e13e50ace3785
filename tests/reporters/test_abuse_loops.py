"""Withdraw-and-refile: a takedown the reporter withdraws counts in the notifier's figures like one
reversed on appeal, and reporting the same listing again flags the new case to the reviewer."""

import pytest
from django.test import TestCase

from audit.models import AuditEntry
from complaints.sanctions import reporter_figures
from reporters.services import report_withdraw

from ..conftest import claim_and_remove, file_report

pytestmark = pytest.mark.django_db


def _takedown_then_withdraw(world, listing):
    with TestCase.captureOnCommitCallbacks(execute=True):
        report = file_report(reporter=world.alice, right=world.tm_a, listings=[listing])
        claim_and_remove(case=report.cases.get(), reviewer=world.rev1)
    with TestCase.captureOnCommitCallbacks(execute=True):
        report_withdraw(report=report, user=world.alice)
    return report


def test_a_withdrawn_takedown_counts_in_the_notifiers_figures(world):
    _takedown_then_withdraw(world, world.listings_b[0])
    figures = reporter_figures(brand=world.brand_a)
    assert figures.takedowns == 1 and figures.withdrawn == 1 and figures.reversed == 0
    assert figures.reversed_share == 1.0
    assert reporter_figures(brand=world.brand_b).withdrawn == 0


def test_past_the_threshold_withdrawals_are_named_in_the_reason(world, settings):
    settings.NOTIFIER_MIN_DECIDED = 1
    _takedown_then_withdraw(world, world.listings_b[0])
    why = " ".join(reporter_figures(brand=world.brand_a).past_thresholds())
    assert "withdrawn by the reporter (1)" in why


def test_reporting_a_withdrawn_listing_again_flags_the_new_case(world):
    first = _takedown_then_withdraw(world, world.listings_b[0])
    again = file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_b[0], world.listings_b[1]])
    flagged = AuditEntry.objects.filter(action="case.refiled_after_withdrawal")
    assert flagged.count() == 1
    entry = flagged.get()
    assert entry.target_id == again.cases.get(listing=world.listings_b[0]).pk
    assert entry.data["earlier_cases"] == [first.cases.get().pk]


def test_another_brand_reporting_the_listing_is_not_flagged(world):
    _takedown_then_withdraw(world, world.listings_b[0])
    file_report(reporter=world.bob, right=world.tm_b, listings=[world.listings_b[0]])
    assert not AuditEntry.objects.filter(action="case.refiled_after_withdrawal").exists()


def test_the_reviewer_sees_the_flag_on_the_case_page(world, client):
    _takedown_then_withdraw(world, world.listings_b[0])
    again = file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_b[0]])
    client.force_login(world.rev2)
    page = client.get(f"/review/cases/{again.cases.get().pk}/").content.decode()
    assert "withdraw-and-refile loop" in page
