"""Counter-notices: the statutory statements, and the deadlines kept by the system with frozen time.

Filed on Thursday 17 December 2026. With 25 December and 1 January as holidays, the rights holder's
10th business day is Monday 4 January 2027 and the listing comes back on Tuesday 5 January (the 11th).
"""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.test import TestCase

from actions.models import ActionKind, EnforcementAction
from appeals.models import Appeal
from appeals.services import AppealError, appeal_file
from common.business_days import business_days_between
from complaints.models import CaseState, Decision, Outcome
from complaints.sanctions import reporter_figures
from counter_notices.models import CounterNotice, CounterNoticeStatus
from counter_notices.services import (
    CounterNoticeError,
    Statements,
    counter_notice_answer,
    counter_notice_decide,
    counter_notice_file,
    counter_notices_reinstate_due,
    court_action_show,
    court_filing_review,
)
from evidence.services import evidence_accept
from listings.models import ListingStatus

from ..evidence.samples import PDF, upload
from ..views import removed_case

FILED = datetime(2026, 12, 17, 15, 0, tzinfo=UTC)


def statements(**overrides) -> Statements:
    fields = dict(
        material="Listing photos and title of the ACME-compatible cable", location="https://market.example/listing/1",
        perjury_statement=True, full_name="Sam Seller", address="1 Main St, Springfield", phone="+1 555 0100",
        consent_jurisdiction=True, consent_service=True, signature="Sam Seller",
    )
    fields.update(overrides)
    return Statements(**fields)


def pdf(user, name="filing.pdf"):
    return evidence_accept(uploaded_by=user, uploads=[upload(name, PDF, "application/pdf")]).stored


@pytest.fixture(autouse=True)
def _holidays(settings):
    settings.BUSINESS_HOLIDAYS = ["2026-12-25", "2027-01-01"]


@pytest.fixture
def filed(world):
    with time_machine.travel(FILED, tick=False):
        case = removed_case(world, kind="copyright")
        with TestCase.captureOnCommitCallbacks(execute=True):
            notice = counter_notice_file(case=case, user=world.sam, statements=statements())
    return notice


def run_beat(when: datetime) -> int:
    with time_machine.travel(when, tick=False), TestCase.captureOnCommitCallbacks(execute=True):
        return counter_notices_reinstate_due()


def listing_status(notice) -> str:
    notice.case.listing.refresh_from_db()
    return notice.case.listing.status


def test_filing_sets_the_deadlines_on_the_business_day_calendar(filed):
    assert filed.status == CounterNoticeStatus.WAITING
    assert filed.court_action_due == date(2027, 1, 4)
    assert filed.reinstate_on == date(2027, 1, 5)
    assert 10 <= business_days_between(date(2026, 12, 17), filed.reinstate_on) <= 14


def test_the_rights_holder_is_told_by_email_with_the_deadline(filed):
    [message] = [m for m in mail.outbox if "Monday 4 January 2027" in m.body]
    assert message.to == ["legal@example.test"]


def test_without_a_court_action_the_listing_comes_back_after_ten_business_days(filed, world):
    assert listing_status(filed) == ListingStatus.REMOVED
    # The weekend, the Christmas holiday, the 10th business day itself: still down.
    for day in [datetime(2026, 12, 26, 12, tzinfo=UTC), datetime(2026, 12, 25, 12, tzinfo=UTC),
                datetime(2027, 1, 1, 12, tzinfo=UTC), datetime(2027, 1, 4, 23, 59, tzinfo=UTC)]:
        assert run_beat(day) == 0
        assert listing_status(filed) == ListingStatus.REMOVED
    assert run_beat(datetime(2027, 1, 5, 0, 30, tzinfo=UTC)) == 1
    filed.refresh_from_db()
    assert filed.status == CounterNoticeStatus.REINSTATED
    assert listing_status(filed) == ListingStatus.ACTIVE
    case = filed.case
    case.refresh_from_db()
    assert case.state == CaseState.REINSTATED
    decision = filed.reinstatement
    assert decision.outcome == Outcome.REINSTATE and decision.automated and decision.decided_by is None
    assert decision.supersedes == filed.decision
    assert "did not show a court action by Monday 4 January 2027" in decision.statement
    assert "Decision: taken automatically when the deadline" in decision.statement
    assert EnforcementAction.objects.filter(decision=decision, kind=ActionKind.REINSTATE, status="applied").exists()
    # Run again: nothing more happens.
    assert run_beat(datetime(2027, 1, 6, tzinfo=UTC)) == 0
    assert Decision.objects.filter(case=case).count() == 2


def test_a_late_beat_still_reinstates_within_fourteen_business_days(filed):
    # The beat was down for two days: the next run catches up (the 13th business day).
    assert run_beat(datetime(2027, 1, 7, 9, tzinfo=UTC)) == 1
    assert listing_status(filed) == ListingStatus.ACTIVE


def test_a_court_action_shown_in_time_and_confirmed_keeps_the_listing_down(filed, world):
    with time_machine.travel(datetime(2027, 1, 4, 18, tzinfo=UTC), tick=False):
        court_action_show(notice=filed, user=world.agent, note="N.D. Cal. 3:27-cv-00001", filing=pdf(world.agent))
    filed.refresh_from_db()
    assert filed.status == CounterNoticeStatus.FILING_REVIEW and filed.court_action_by == world.agent
    # While the filing waits for its check, the clock does not reinstate.
    assert run_beat(datetime(2027, 1, 6, tzinfo=UTC)) == 0
    court_filing_review(notice=filed, reviewer=world.rev2, confirm=True, note="")
    filed.refresh_from_db()
    assert filed.status == CounterNoticeStatus.COURT_ACTION and filed.reviewed_by == world.rev2
    assert filed.evidence_links.get().party == "reporter"
    assert run_beat(datetime(2027, 1, 20, tzinfo=UTC)) == 0
    assert listing_status(filed) == ListingStatus.REMOVED
    filed.case.refresh_from_db()
    assert filed.case.state == CaseState.ACTIONED


def test_a_court_action_after_the_deadline_is_refused(filed, world):
    with time_machine.travel(datetime(2027, 1, 5, 0, 1, tzinfo=UTC), tick=False):
        with pytest.raises(CounterNoticeError, match="Monday 4 January 2027; it has passed"):
            court_action_show(notice=filed, user=world.alice, note="late", filing=pdf(world.alice))
    filed.refresh_from_db()
    assert filed.status == CounterNoticeStatus.WAITING


def test_a_court_action_needs_the_filing_and_the_reporting_brand(filed, world):
    with time_machine.travel(datetime(2027, 1, 4, tzinfo=UTC), tick=False):
        with pytest.raises(CounterNoticeError, match="Upload the court filing"):
            court_action_show(notice=filed, user=world.alice, note="", filing=[])
        with pytest.raises(CounterNoticeError, match="Only the reporting brand"):
            court_action_show(notice=filed, user=world.bob, note="x", filing=pdf(world.bob))
    filed.refresh_from_db()
    assert filed.status == CounterNoticeStatus.WAITING


@pytest.mark.parametrize("missing,field", [
    ({"perjury_statement": False}, "perjury_statement"), ({"material": " "}, "material"),
    ({"location": ""}, "location"), ({"full_name": ""}, "full_name"), ({"address": ""}, "address"),
    ({"phone": ""}, "phone"), ({"consent_jurisdiction": False}, "consent_jurisdiction"),
    ({"consent_service": False}, "consent_service"), ({"signature": ""}, "signature"),
])
def test_a_counter_notice_missing_a_statement_is_refused_naming_it(world, missing, field):
    case = removed_case(world, kind="copyright")
    with pytest.raises(CounterNoticeError) as exc:
        counter_notice_file(case=case, user=world.sam, statements=statements(**missing))
    assert list(exc.value.missing) == [field]
    assert CounterNotice.objects.count() == 0


def test_every_missing_statement_is_named_at_once(world):
    case = removed_case(world, kind="copyright")
    with pytest.raises(CounterNoticeError) as exc:
        counter_notice_file(case=case, user=world.sam, statements=statements(
            perjury_statement=False, phone="", consent_service=False))
    assert set(exc.value.missing) == {"perjury_statement", "phone", "consent_service"}
    assert "penalty of perjury" in str(exc.value) and "telephone" in str(exc.value)


def test_a_counter_notice_on_someone_elses_listing_is_refused(world):
    case = removed_case(world, kind="copyright")
    with pytest.raises(CounterNoticeError, match="your own listings"):
        counter_notice_file(case=case, user=world.sue, statements=statements())
    assert CounterNotice.objects.count() == 0


def test_a_second_counter_notice_on_the_same_decision_is_refused(filed, world):
    with pytest.raises(CounterNoticeError, match="already filed"):
        counter_notice_file(case=filed.case, user=world.sam, statements=statements())


def test_no_appeal_while_a_counter_notice_runs_and_no_counter_notice_while_an_appeal_is_open(filed, world):
    with pytest.raises(AppealError, match="counter-notice on this decision is running"):
        appeal_file(case=filed.case, user=world.sam, statement="Also appealing.")
    other = removed_case(world, listing=world.listings_a[1], kind="copyright")
    appeal_file(case=other, user=world.sam, statement="Genuine.")
    with pytest.raises(CounterNoticeError, match="appeal on this decision is open"):
        counter_notice_file(case=other, user=world.sam, statements=statements())
    assert Appeal.objects.count() == 1


def test_a_counter_notice_reinstatement_is_not_counted_as_reversed_on_appeal(filed, world):
    run_beat(datetime(2027, 1, 5, 9, tzinfo=UTC))
    figures = reporter_figures(reporter=world.alice)
    assert (figures.takedowns, figures.reversed) == (1, 0)


def test_a_rejected_court_filing_lets_the_deadline_continue(filed, world):
    with time_machine.travel(datetime(2027, 1, 4, 18, tzinfo=UTC), tick=False):
        court_action_show(notice=filed, user=world.alice, note="x", filing=pdf(world.alice, "recipe.pdf"))
    with pytest.raises(CounterNoticeError, match="Say why"):
        court_filing_review(notice=filed, reviewer=world.rev1, confirm=False, note=" ")
    with pytest.raises(CounterNoticeError, match="Only reviewers"):
        court_filing_review(notice=filed, reviewer=world.alice, confirm=True, note="")
    court_filing_review(notice=filed, reviewer=world.rev1, confirm=False, note="A recipe, not a court filing.")
    filed.refresh_from_db()
    assert filed.status == CounterNoticeStatus.WAITING and filed.review_note == "A recipe, not a court filing."
    assert run_beat(datetime(2027, 1, 5, 9, tzinfo=UTC)) == 1
    assert listing_status(filed) == ListingStatus.ACTIVE


def reviewed_statements(**overrides) -> Statements:
    fields = dict(material="Listing 1", location="", perjury_statement=False, full_name="Sam Seller", address="",
                  phone="", consent_jurisdiction=False, consent_service=False, signature="Sam Seller",
                  ground="genuine_goods", explanation="Bought from Acme's distributor, invoice 2026-114.")
    fields.update(overrides)
    return Statements(**fields)


@pytest.fixture
def reviewed(world):
    with time_machine.travel(FILED, tick=False):
        case = removed_case(world)  # a trademark removal
        with TestCase.captureOnCommitCallbacks(execute=True):
            return counter_notice_file(case=case, user=world.sam, statements=reviewed_statements())


def test_a_trademark_counter_notice_takes_the_reviewed_procedure_without_the_statutory_consents(reviewed):
    assert reviewed.procedure == "reviewed" and reviewed.ground == "genuine_goods"
    assert reviewed.reinstate_on is None and reviewed.court_action_due == date(2027, 1, 4)
    assert not reviewed.perjury_statement
    [message] = [m for m in mail.outbox if "answer" in m.subject]
    assert "senior reviewer decides" in message.body


def test_a_reviewed_counter_notice_needs_a_ground_and_an_explanation(world):
    case = removed_case(world)
    with pytest.raises(CounterNoticeError) as exc:
        counter_notice_file(case=case, user=world.sam, statements=reviewed_statements(ground="", explanation=""))
    assert set(exc.value.missing) == {"ground", "explanation"}
    with pytest.raises(CounterNoticeError) as exc:
        counter_notice_file(case=case, user=world.sam, statements=reviewed_statements(ground="it_is_fine"))
    assert list(exc.value.missing) == ["ground"]


def test_a_reviewed_counter_notice_is_never_restored_by_the_clock(reviewed, world):
    assert run_beat(datetime(2027, 2, 1, tzinfo=UTC)) == 0
    assert listing_status(reviewed) == ListingStatus.REMOVED
    reviewed.refresh_from_db()
    assert reviewed.status == CounterNoticeStatus.FOR_DECISION  # unanswered: to a senior


def test_the_rights_holder_answers_then_a_senior_who_took_no_part_reinstates(reviewed, world):
    with time_machine.travel(datetime(2027, 1, 4, 12, tzinfo=UTC), tick=False):
        with pytest.raises(CounterNoticeError, match="court filing"):
            court_action_show(notice=reviewed, user=world.alice, note="x", filing=pdf(world.alice))
        counter_notice_answer(notice=reviewed, user=world.alice, answer="Test purchase: fake hologram.")
    reviewed.refresh_from_db()
    assert reviewed.status == CounterNoticeStatus.FOR_DECISION and reviewed.answered_by == world.alice
    with pytest.raises(CounterNoticeError, match="Only a senior"):
        counter_notice_decide(notice=reviewed, senior=world.rev2, reinstate=True, reason="x")
    with TestCase.captureOnCommitCallbacks(execute=True):
        counter_notice_decide(notice=reviewed, senior=world.senior, reinstate=True,
                              reason="The distributor's invoice matches; the hologram photo is of another item.")
    reviewed.refresh_from_db()
    assert reviewed.status == CounterNoticeStatus.REINSTATED
    assert reviewed.reinstatement.reason_code == "counter_notice_granted"
    assert reviewed.reinstatement.decided_by == world.senior
    assert listing_status(reviewed) == ListingStatus.ACTIVE


def test_the_senior_who_removed_the_listing_may_not_decide_and_a_denial_keeps_it_down(world):
    with time_machine.travel(FILED, tick=False):
        case = removed_case(world, reviewer=world.senior)
        notice = counter_notice_file(case=case, user=world.sam, statements=reviewed_statements())
    run_beat(datetime(2027, 1, 5, tzinfo=UTC))
    with pytest.raises(CounterNoticeError, match="different senior"):
        counter_notice_decide(notice=notice, senior=world.senior, reinstate=True, reason="x")
    counter_notice_decide(notice=notice, senior=world.senior2, reinstate=False, reason="No invoice was shown.")
    notice.refresh_from_db()
    assert notice.status == CounterNoticeStatus.REJECTED and notice.review_note == "No invoice was shown."
    assert listing_status(notice) == ListingStatus.REMOVED
