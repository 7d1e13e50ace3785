"""Appeals with evidence and a window, the other side's response, and a rights holder's appeal of a rejection."""

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from actions.models import ActionKind, EnforcementAction
from appeals.models import Appeal, AppealStatus
from appeals.services import AppealError, appeal_decide, appeal_file, appeal_file_by_reporter, appeal_respond
from complaints.models import CaseState, Decision, Outcome, Party
from decisions.services import case_decide
from evidence.services import evidence_accept
from listings.models import ListingStatus
from review.claims import case_claim

from ..evidence.samples import PDF, upload
from ..views import open_case, removed_case


def pdf(user, name="invoice.pdf"):
    return evidence_accept(uploaded_by=user, uploads=[upload(name, PDF, "application/pdf")]).stored


def rejected_case(world, reviewer=None, code="no_infringement"):
    case = open_case(world)
    with transaction.atomic():
        case_claim(case=case, reviewer=reviewer or world.rev1)
    case_decide(case=case, reviewer=reviewer or world.rev1, reason_code=code, facts="The listing is lawful.")
    case.refresh_from_db()
    return case


def snapshot(case):
    case.refresh_from_db()
    case.listing.refresh_from_db()
    return (case.state, case.listing.status, Appeal.objects.count(), Decision.objects.count(),
            EnforcementAction.objects.count())


# --- the window ---------------------------------------------------------------------------------


def test_an_appeal_is_accepted_on_the_last_day_of_the_window(world, settings):
    case = removed_case(world)
    decided = case.decisions.get().created_at
    with time_machine.travel(decided + timedelta(days=settings.APPEAL_WINDOW_DAYS, seconds=-1), tick=False):
        appeal = appeal_file(case=case, user=world.sam, statement="Genuine.")
    assert appeal.status == AppealStatus.OPEN


def test_an_appeal_after_the_window_is_refused_with_the_date(world, settings):
    case = removed_case(world)
    decided = case.decisions.get().created_at
    before = snapshot(case)
    with time_machine.travel(decided + timedelta(days=settings.APPEAL_WINDOW_DAYS, seconds=1), tick=False):
        with pytest.raises(AppealError, match=r"window to appeal this decision closed on \d{1,2} [A-Z][a-z]+ \d{4}"):
            appeal_file(case=case, user=world.sam, statement="Genuine.")
    assert snapshot(case) == before


def test_the_window_follows_the_setting(world, settings):
    settings.APPEAL_WINDOW_DAYS = 1
    case = removed_case(world)
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        with pytest.raises(AppealError, match="1 days after"):
            appeal_file(case=case, user=world.sam, statement="Genuine.")


# --- evidence -----------------------------------------------------------------------------------


def test_the_seller_files_evidence_with_the_appeal(world):
    case = removed_case(world)
    files = pdf(world.sam)
    appeal = appeal_file(case=case, user=world.sam, statement="Invoice attached.", evidence=files)
    assert [link.file for link in appeal.evidence_links.all()] == files
    assert appeal.evidence_links.get().response is None


def test_a_file_already_filed_elsewhere_is_refused(world):
    case = removed_case(world)
    files = pdf(world.sam)
    appeal_file(case=case, user=world.sam, statement="Invoice attached.", evidence=files)
    other = removed_case(world, listing=world.listings_a[1])
    with pytest.raises(AppealError, match="Already filed elsewhere: invoice.pdf"):
        appeal_file(case=other, user=world.sam, statement="Same invoice.", evidence=files)
    other.refresh_from_db()
    assert other.state == CaseState.ACTIONED


def test_an_appeal_on_someone_elses_listing_is_refused(world):
    case = removed_case(world)
    before = snapshot(case)
    with pytest.raises(AppealError, match="your own listings"):
        appeal_file(case=case, user=world.sue, statement="Not mine.", evidence=pdf(world.sue))
    assert snapshot(case) == before


# --- the other side responds --------------------------------------------------------------------


def test_the_rights_holder_responds_with_evidence_before_the_ruling(world):
    case = removed_case(world)
    appeal = appeal_file(case=case, user=world.sam, statement="Genuine.")
    files = pdf(world.agent, "test-buy.pdf")
    response = appeal_respond(appeal=appeal, user=world.agent, statement="Our test buy shows a fake.", evidence=files)
    assert response.party == Party.REPORTER and response.author == world.agent
    assert [link.file for link in response.evidence_links.all()] == files


@pytest.mark.parametrize("persona", ["sam", "bob", "sue", "rev2"])
def test_only_the_other_side_may_respond(world, persona):
    appeal = appeal_file(case=removed_case(world), user=world.sam, statement="Genuine.")
    with pytest.raises(AppealError, match="Only the other side"):
        appeal_respond(appeal=appeal, user=getattr(world, persona), statement="Me too.")
    assert appeal.responses.count() == 0


def test_no_response_after_the_ruling(world):
    appeal = appeal_file(case=removed_case(world), user=world.sam, statement="Genuine.")
    appeal_decide(appeal=appeal, senior=world.senior, reason_code="appeal_no_new_facts", facts="Nothing new.")
    with pytest.raises(AppealError, match="has been decided"):
        appeal_respond(appeal=appeal, user=world.alice, statement="Late.")


# --- the different-reviewer rule ------------------------------------------------------------------


def test_a_senior_cannot_rule_on_an_appeal_of_their_own_decision(world):
    case = removed_case(world, reviewer=world.senior)
    appeal = appeal_file(case=case, user=world.sam, statement="Genuine.")
    before = snapshot(case)
    with pytest.raises(AppealError, match="different senior reviewer"):
        appeal_decide(appeal=appeal, senior=world.senior, reason_code="appeal_genuine_goods", facts="Invoice.")
    assert snapshot(case) == before
    appeal_decide(appeal=appeal, senior=world.senior2, reason_code="appeal_genuine_goods", facts="Invoice.")
    case.refresh_from_db()
    assert case.state == CaseState.REINSTATED


# --- a rights holder appeals a rejection -------------------------------------------------------------


def test_the_rights_case_appeals_a_rejection_and_the_senior_grants_it(world):
    case = rejected_case(world)
    appeal = appeal_file_by_reporter(case=case, user=world.agent, statement="The logo is ours.",
                                     evidence=pdf(world.agent, "comparison.pdf"))
    case.refresh_from_db()
    assert case.state == CaseState.APPEALED and appeal.party == Party.REPORTER
    # The seller may answer the rights holder's appeal.
    appeal_respond(appeal=appeal, user=world.sam, statement="I sell compatible cables, not ACME ones.")
    with TestCase.captureOnCommitCallbacks(execute=True):
        decision = appeal_decide(appeal=appeal, senior=world.senior, reason_code="appeal_report_founded",
                                 facts="The listing's photos show the ACME logo.")
    case.refresh_from_db()
    case.listing.refresh_from_db()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.GRANTED and appeal.outcome_decision == decision
    assert case.state == CaseState.ACTIONED and decision.outcome == Outcome.REMOVE
    assert case.listing.status == ListingStatus.REMOVED
    assert EnforcementAction.objects.get(decision=decision).kind == ActionKind.REMOVE
    assert "How to appeal" in decision.statement  # the seller may now appeal the removal
    appeal_file(case=case, user=world.sam, statement="Appealing the removal.")


def test_a_rights_holders_appeal_denied_leaves_the_listing_up(world):
    case = rejected_case(world)
    appeal = appeal_file_by_reporter(case=case, user=world.alice, statement="Look again.")
    decision = appeal_decide(appeal=appeal, senior=world.senior, reason_code="appeal_rejection_confirmed",
                             facts="Still lawful.")
    case.refresh_from_db()
    assert case.state == CaseState.UPHELD and decision.outcome == Outcome.REJECT
    assert case.listing.status == ListingStatus.ACTIVE and not EnforcementAction.objects.exists()


def test_a_seller_ruling_cannot_be_used_on_a_rights_holders_appeal(world):
    appeal = appeal_file_by_reporter(case=rejected_case(world), user=world.alice, statement="Look again.")
    with pytest.raises(Exception, match="Choose a reason"):
        appeal_decide(appeal=appeal, senior=world.senior, reason_code="appeal_genuine_goods", facts="x")


def test_the_reviewer_who_rejected_cannot_rule_on_the_rights_holders_appeal(world):
    case = rejected_case(world, reviewer=world.senior)
    appeal = appeal_file_by_reporter(case=case, user=world.alice, statement="Look again.")
    with pytest.raises(AppealError, match="different senior reviewer"):
        appeal_decide(appeal=appeal, senior=world.senior, reason_code="appeal_report_founded", facts="x")


@pytest.mark.parametrize("persona", ["bob", "sam"])
def test_only_the_reporting_brand_may_appeal_a_rejection(world, persona):
    case = rejected_case(world)
    with pytest.raises(AppealError, match="your brand's reports"):
        appeal_file_by_reporter(case=case, user=getattr(world, persona), statement="Mine.")
    case.refresh_from_db()
    assert case.state == CaseState.REJECTED


def test_a_removal_cannot_be_appealed_by_the_rights_holder_and_a_second_appeal_is_refused(world):
    with pytest.raises(AppealError, match="Only a rejection"):
        appeal_file_by_reporter(case=removed_case(world, listing=world.listings_a[2]), user=world.alice,
                                statement="More.")
    case = rejected_case(world)
    appeal_file_by_reporter(case=case, user=world.alice, statement="Look again.")
    with pytest.raises(AppealError):
        appeal_file_by_reporter(case=case, user=world.agent, statement="Again.")
    assert Appeal.objects.count() == 1


def test_the_rights_case_appeal_window_closes_too(world, settings):
    case = rejected_case(world)
    with time_machine.travel(timezone.now() + timedelta(days=settings.APPEAL_WINDOW_DAYS + 1), tick=False):
        with pytest.raises(AppealError, match="window to appeal"):
            appeal_file_by_reporter(case=case, user=world.alice, statement="Late.")
