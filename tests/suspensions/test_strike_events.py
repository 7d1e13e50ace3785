"""One strike per decision event per seller (issue 13.6): a report decided for all its listings at
once is one strike covering them; any other decision is its own; the threshold counts events; a
strike stands until every decision it covers is reversed."""

from datetime import UTC, datetime
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.test import TestCase

from appeals.services import appeal_decide, appeal_file
from audit.models import AuditEntry
from complaints.models import Case, CaseSource, CaseState
from counter_notices.services import counter_notice_decide, counter_notice_file, counter_notices_reinstate_due
from decisions.report_jobs import report_cases_decide
from decisions.services import case_decide
from reporters.services import report_withdraw
from review.claims import case_claim
from suspensions.models import Strike, StrikeDecision, Suspension, strike_event_for_report
from suspensions.services import SuspensionError, strikes_active, suspension_approve

from ..conftest import claim, claim_and_remove, file_report, report_with_cases
from ..counter_notices.test_counter_notices import reviewed_statements
from ..factories import ListingFactory
from ..monitoring.helpers import set_rules, upsert


def decide_report_wide(world, cases, reviewer=None, capture=TestCase.captureOnCommitCallbacks):
    """The reviewer applies a removal to every case of the report: their own case in the request,
    the others by the job's walk (run here, eagerly)."""
    reviewer = reviewer or world.rev1
    claim(cases[0], reviewer)
    with capture(execute=True):
        result = report_cases_decide(case=cases[0], reviewer=reviewer, reason_code="tm_counterfeit",
                                     facts="The same replica in every listing.")
    for case in cases:
        case.refresh_from_db()
    return result


def test_a_report_of_three_listings_decided_report_wide_gives_one_strike_covering_the_three(world):
    report, cases = report_with_cases(world, 3)
    result = decide_report_wide(world, cases)
    assert result.job is not None and all(c.state == CaseState.ACTIONED for c in cases)
    strike = Strike.objects.get()
    assert strike.seller == world.seller_a and strike.event_key == strike_event_for_report(report.pk)
    assert sorted(strike.decisions.values_list("case_id", flat=True)) == [c.pk for c in cases]
    assert strikes_active(seller=world.seller_a).count() == 1
    assert not Suspension.objects.exists()  # three listings, one event: below the threshold of 3
    given = AuditEntry.objects.filter(action="strike.given", target_id=strike.pk)
    assert given.count() == 1 and AuditEntry.objects.filter(action="strike.covers", target_id=strike.pk).count() == 2


def test_three_separate_single_decisions_give_three_strikes_and_reach_the_threshold(world):
    report, cases = report_with_cases(world, 3)
    for case in cases:
        claim_and_remove(case=case, reviewer=world.rev1)
    strikes = list(Strike.objects.order_by("id"))
    assert len(strikes) == 3 and [s.decisions.count() for s in strikes] == [1, 1, 1]
    assert Suspension.objects.get(seller=world.seller_a).strikes.count() == 3


def test_a_report_wide_decision_gives_each_seller_of_the_report_one_strike(world):
    listings = [*world.listings_a, *world.listings_b]
    report = file_report(reporter=world.alice, right=world.tm_a, listings=listings)
    decide_report_wide(world, list(report.cases.order_by("id")))
    by_seller = {s.seller_id: s.decisions.count() for s in Strike.objects.all()}
    assert by_seller == {world.seller_a.pk: 3, world.seller_b.pk: 2}


def test_the_threshold_is_reached_only_by_events(world, settings):
    settings.STRIKE_SUSPENSION_THRESHOLD = 2
    _, cases = report_with_cases(world, 3)
    decide_report_wide(world, cases)
    assert not Suspension.objects.exists()  # three listings, one strike
    # A single decision on another report is the second event: now the threshold is reached.
    claim_and_remove(case=file_report(reporter=world.alice, right=world.tm_a,
                                      listings=[world.listings_a[0]]).cases.get(), reviewer=world.rev2)
    proposal = Suspension.objects.get(seller=world.seller_a)
    assert proposal.strikes.count() == 2
    assert sorted(s.decisions.count() for s in proposal.strikes.all()) == [1, 3]


def test_a_later_report_wide_decision_on_the_same_report_joins_its_strike(world, settings):
    """The walk skipped a case another reviewer held; applied to the report again later, it is
    still the report's one event."""
    settings.STRIKE_SUSPENSION_THRESHOLD = 2
    report, cases = report_with_cases(world, 3)
    claim(cases[2], world.rev2)
    decide_report_wide(world, cases[:2])
    cases[2].refresh_from_db()
    assert cases[2].is_undecided
    with TestCase.captureOnCommitCallbacks(execute=True):
        report_cases_decide(case=cases[2], reviewer=world.rev2, reason_code="tm_counterfeit", facts="Same.")
    strike = Strike.objects.get()
    assert strike.decisions.count() == 3 and not Suspension.objects.exists()


def test_an_automatic_case_confirmed_by_a_reviewer_is_its_own_event(world, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks, countries=["DE"], countries_mode="suppress")
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, title="ACME headphones")
    auto = Case.objects.get(listing=listing, source=CaseSource.AUTOMATIC)
    assert not Strike.objects.exists()  # the automatic suppression alone gives none
    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_b)
    decide_report_wide(world, list(report.cases.order_by("id")))
    case_claim(case=auto, reviewer=world.rev2)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = case_decide(case=auto, reviewer=world.rev2, reason_code="tm_misuse", facts="Ships from CN.")
    strikes = list(Strike.objects.filter(seller=world.seller_b).order_by("id"))
    assert [s.decisions.count() for s in strikes] == [2, 1]
    assert list(strikes[1].decisions.all()) == [confirmed]


def _appeal_granted(world, case):
    appeal = appeal_file(case=case, user=world.sam, statement="Genuine goods, invoices attached.")
    with TestCase.captureOnCommitCallbacks(execute=True):
        appeal_decide(appeal=appeal, senior=world.senior, reason_code="appeal_genuine_goods", facts="Invoice shown.")


def test_one_listing_of_three_reinstated_on_appeal_keeps_the_strike_and_the_seller_sees_what_it_covers(world,
                                                                                                      client):
    report, cases = report_with_cases(world, 3)
    decide_report_wide(world, cases)
    _appeal_granted(world, cases[1])
    strike = Strike.objects.get()
    assert strike.removed_at is None and strikes_active(seller=world.seller_a).count() == 1
    reversed_ = StrikeDecision.objects.get(reversed_at__isnull=False)
    assert reversed_.decision.case == cases[1] and "Reinstated on appeal" in reversed_.reversed_reason
    client.force_login(world.sam)
    html = client.get("/seller/").content.decode()
    assert 'data-testid="strikes"><b>1</b> active strike' in html
    assert f"report {report.reference}, 3 listings decided together" in html
    assert f'<span data-strike-listing="{cases[1].listing.external_id}" class="reversed">' in html
    assert f'<span data-strike-listing="{cases[0].listing.external_id}">' in html
    client.force_login(world.rev2)
    other = file_report(reporter=world.alice, right=world.tm_a, listings=[ListingFactory(seller=world.seller_a)])
    html = client.get(f"/review/cases/{other.cases.get().pk}/").content.decode()
    assert 'data-testid="seller-strikes"><b>1</b> active strike' in html and cases[1].reference in html


def test_every_listing_reinstated_on_appeal_removes_the_strike(world):
    _, cases = report_with_cases(world, 2)
    decide_report_wide(world, cases)
    _appeal_granted(world, cases[0])
    assert Strike.objects.get().removed_at is None
    _appeal_granted(world, cases[1])
    strike = Strike.objects.get()
    assert strike.removed_at is not None and "Reinstated on appeal" in strike.removed_reason
    assert not strikes_active(seller=world.seller_a).exists()
    assert AuditEntry.objects.filter(action="strike.removed", target_id=strike.pk).count() == 1


def test_a_counter_notice_reinstatement_reverses_only_its_listing(world):
    _, cases = report_with_cases(world, 2)
    with time_machine.travel(datetime(2026, 12, 1, 15, tzinfo=UTC), tick=False):
        decide_report_wide(world, cases)
        with TestCase.captureOnCommitCallbacks(execute=True):
            # A trademark removal: the reviewed counter-notice, which a senior grants.
            notice = counter_notice_file(case=cases[0], user=world.sam, statements=reviewed_statements())
    with time_machine.travel(datetime(2026, 12, 31, 15, tzinfo=UTC), tick=False), \
            TestCase.captureOnCommitCallbacks(execute=True):
        assert counter_notices_reinstate_due() == 0  # never restored by the clock: to a senior
        counter_notice_decide(notice=notice, senior=world.senior, reinstate=True, reason="Invoice checks out.")
    strike = Strike.objects.get()
    assert strike.removed_at is None
    reversed_ = strike.links.filter(reversed_at__isnull=False)
    assert list(reversed_.values_list("decision__case", flat=True)) == [cases[0].pk]


def test_withdrawing_the_report_reverses_every_listing_and_removes_the_strike(world):
    report, cases = report_with_cases(world, 3)
    decide_report_wide(world, cases)
    report_withdraw(report=report, user=world.alice)
    strike = Strike.objects.get()
    assert strike.removed_at is not None and "withdrawn" in strike.removed_reason
    assert strike.links.filter(reversed_at__isnull=True).count() == 0


def test_a_decision_joining_a_removed_strike_stands_it_again(world, settings):
    """Both listings the report's strike covered came back on appeal; a third case of the report,
    decided for the report later, makes the strike stand again (and count)."""
    settings.STRIKE_SUSPENSION_THRESHOLD = 1
    report, cases = report_with_cases(world, 3)
    claim(cases[2], world.rev2)
    decide_report_wide(world, cases[:2])
    Suspension.objects.all().delete()  # the threshold of 1 proposed at once; start again
    _appeal_granted(world, cases[0])
    _appeal_granted(world, cases[1])
    assert Strike.objects.get().removed_at is not None
    with TestCase.captureOnCommitCallbacks(execute=True):
        report_cases_decide(case=cases[2], reviewer=world.rev2, reason_code="tm_counterfeit", facts="Same.")
    strike = Strike.objects.get()
    assert strike.removed_at is None and strike.links.filter(reversed_at__isnull=True).count() == 1
    assert Suspension.objects.get().strikes.get() == strike


def test_the_senior_who_decided_any_listing_of_a_strike_cannot_approve(world, settings):
    settings.STRIKE_SUSPENSION_THRESHOLD = 1
    _, cases = report_with_cases(world, 2)
    decide_report_wide(world, cases, reviewer=world.senior)
    proposal = Suspension.objects.get()
    with pytest.raises(SuspensionError, match="You decided one of these strikes"):
        suspension_approve(suspension=proposal, senior=world.senior, reason="Repeat infringer.")


def test_the_suspension_mail_and_page_list_each_strike_with_what_it_covers(world, client, settings):
    settings.STRIKE_SUSPENSION_THRESHOLD = 2
    report, cases = report_with_cases(world, 2)
    decide_report_wide(world, cases)
    single = file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_a[0]]).cases.get()
    claim_and_remove(case=single, reviewer=world.rev2)
    proposal = Suspension.objects.get()
    client.force_login(world.senior2)
    html = client.get(f"/review/suspensions/{proposal.pk}/").content.decode()
    assert html.count("data-strike=") == 2 and f"report {report.reference}, 2 listings decided together" in html
    assert single.reference in html and "<td>rev1</td>" in html and "<td>rev2</td>" in html
    with TestCase.captureOnCommitCallbacks(execute=True):
        suspension_approve(suspension=proposal, senior=world.senior2, reason="Repeat infringer.")
    body = next(m.body for m in mail.outbox if "is suspended" in m.subject)
    assert "After 2 strikes" in body and f"report {report.reference}: " in body
    assert all(c.reference in body for c in [*cases, single])


@pytest.mark.django_db(transaction=True)
def test_two_cases_of_one_report_decided_concurrently_give_one_strike(require_postgres, world):
    """Two reviewers apply a removal to the same report at the same moment, each from the case they
    hold: the second's strike insert waits on the unique (seller, event) index for the first to
    commit, then joins its strike."""
    import threading

    from django.db import connections, transaction

    _, cases = report_with_cases(world, 2)
    claim(cases[0], world.rev1)
    claim(cases[1], world.rev2)
    decided, release, errors = threading.Event(), threading.Event(), []

    def first() -> None:
        try:
            with transaction.atomic():
                report_cases_decide(case=cases[0], reviewer=world.rev1, reason_code="tm_counterfeit", facts="Same.")
                decided.set()  # the strike is inserted, not committed
                release.wait(timeout=30)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
            decided.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=first)
    with mock.patch("common.dispatch.task"):  # no walks, no tasks: only the decisions race
        thread.start()
        assert decided.wait(timeout=30)
        threading.Timer(1.0, release.set).start()  # commit while the second waits on the index
        report_cases_decide(case=cases[1], reviewer=world.rev2, reason_code="tm_counterfeit", facts="Same.")
        thread.join(timeout=30)
    assert not errors
    strike = Strike.objects.get()
    assert sorted(strike.decisions.values_list("case_id", flat=True)) == [cases[0].pk, cases[1].pk]
    assert AuditEntry.objects.filter(action="strike.given").count() == 1


def test_the_seller_help_explains_one_strike_per_decision(client, settings):
    settings.STRIKE_SUSPENSION_THRESHOLD = 4
    html = client.get("/help/sellers/notices/").content.decode()
    assert "<b>one strike per decision</b>" in html and "At 4 active strikes" in html
    assert "counts for 365 days" in html


def test_the_admin_shows_a_strike_with_the_decisions_it_covers(world, admin_client):
    _, cases = report_with_cases(world, 2)
    decide_report_wide(world, cases)
    strike = Strike.objects.get()
    html = admin_client.get(f"/admin/suspensions/strike/{strike.pk}/change/").content.decode()
    assert strike.event_key in html and html.count("Decision #") >= 2
    assert admin_client.get("/admin/suspensions/strikedecision/").status_code == 200
