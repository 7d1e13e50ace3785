"""Withdrawing a report: undecided cases close, removed listings are reinstated, all audited."""

import pytest
from django.db import transaction
from django.urls import reverse

from actions.models import ActionKind, ActionStatus, EnforcementAction
from audit.models import AuditEntry
from complaints.models import CaseState
from listings.models import ListingStatus
from reporters.services import WithdrawalError, report_withdraw
from review.claims import case_claim

from ..conftest import claim_and_remove, file_report


@pytest.fixture
def mixed(world, django_capture_on_commit_callbacks):
    """A report with one open, one in review, one actioned (listing removed) case."""
    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a)
    open_, in_review, actioned = report.cases.order_by("id")
    with transaction.atomic():
        case_claim(case=in_review, reviewer=world.rev1)
    with django_capture_on_commit_callbacks(execute=True):
        claim_and_remove(case=actioned, reviewer=world.rev2)
    actioned.listing.refresh_from_db()
    assert actioned.listing.status == ListingStatus.REMOVED
    return report, open_, in_review, actioned


def test_withdrawing_closes_undecided_cases_and_reinstates_removed_listings(
        world, mixed, django_capture_on_commit_callbacks):
    report, open_, in_review, actioned = mixed
    with django_capture_on_commit_callbacks(execute=True):
        counts = report_withdraw(report=report, user=world.agent)
    assert counts == {"closed": 2, "reinstated": 1}
    for case in (open_, in_review, actioned):
        case.refresh_from_db()
        assert case.state == CaseState.WITHDRAWN and case.claimed_by is None
    reinstate = EnforcementAction.objects.get(case=actioned, kind=ActionKind.REINSTATE)
    assert reinstate.status == ActionStatus.APPLIED  # tasks run eagerly in tests
    actioned.listing.refresh_from_db()
    assert actioned.listing.status == ListingStatus.ACTIVE
    decision = actioned.decisions.order_by("-id").first()
    assert decision.reason_code == "report_withdrawn" and decision.supersedes is not None
    report.refresh_from_db()
    assert report.withdrawn_at is not None
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"report.withdrawn", "case.withdrawn", "action.created", "decision.reinstate"} <= actions


def test_a_decided_case_stays_and_a_second_withdrawal_is_refused(world):
    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])
    claim_and_remove(case=report.cases.get(), reviewer=world.rev1, code="no_infringement")
    with pytest.raises(WithdrawalError, match="nothing left to withdraw"):
        report_withdraw(report=report, user=world.alice)
    other = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[1:2])
    report_withdraw(report=other, user=world.alice)
    with pytest.raises(WithdrawalError, match="already withdrawn"):
        report_withdraw(report=other, user=world.alice)


def test_a_linked_case_of_another_report_is_not_withdrawn(world):
    first = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])
    second = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:2])
    report_withdraw(report=second, user=world.alice)
    assert first.cases.get().state == CaseState.OPEN


def test_the_page_withdraws_with_confirmation(world, client, mixed):
    report, *_ = mixed
    client.force_login(world.alice)
    url = reverse("reporters:report_withdraw", args=[report.pk])
    response = client.post(url, follow=True)
    assert "Tick “I want to withdraw this report”" in response.content.decode()
    response = client.post(url, {"confirm": "yes"}, follow=True)
    assert "2 undecided cases closed, 1 removed listing being reinstated" in response.content.decode()
    assert 'data-testid="withdrawn"' in response.content.decode()


def test_bob_cannot_see_or_withdraw_alices_report(world, client, mixed):
    report, open_, *_ = mixed
    client.force_login(world.bob)
    assert client.get(reverse("reporters:report_detail", args=[report.pk])).status_code == 404
    assert client.post(reverse("reporters:report_withdraw", args=[report.pk]), {"confirm": "yes"}).status_code == 404
    open_.refresh_from_db()
    assert open_.state == CaseState.OPEN
    with pytest.raises(WithdrawalError, match="Only members"):
        report_withdraw(report=report, user=world.bob)


def test_the_withdraw_page_refuses_a_get(world, client, mixed):
    client.force_login(world.alice)
    assert client.get(reverse("reporters:report_withdraw", args=[mixed[0].pk])).status_code == 405


def test_a_takedown_still_pending_is_applied_before_the_reinstatement(world):
    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])
    case = report.cases.get()
    claim_and_remove(case=case, reviewer=world.rev1)  # on-commit not run: the takedown stays pending
    remove = EnforcementAction.objects.get(case=case, kind=ActionKind.REMOVE)
    assert remove.status == ActionStatus.PENDING
    report_withdraw(report=report, user=world.alice)
    remove.refresh_from_db()
    reinstate = EnforcementAction.objects.get(case=case, kind=ActionKind.REINSTATE)
    assert remove.status == ActionStatus.APPLIED and reinstate.status == ActionStatus.PENDING
    assert remove.applied_at is not None and remove.pk < reinstate.pk
