"""Strikes for upheld takedowns, their expiry, the suspension threshold, and a second senior."""

from datetime import timedelta

import pytest

from actions.models import ActionKind, ActionStatus, BulkJobStatus, EnforcementAction, Restriction
from appeals.services import appeal_decide, appeal_file
from audit.selectors import audit_chain_verify
from audit.services import audit_chain_pending
from listings.models import ListingStatus
from reporters.services import report_withdraw
from suspensions.models import Strike, Suspension, SuspensionStatus
from suspensions.services import SuspensionError, strikes_active, suspension_approve, suspension_lift, suspension_reject

from ..conftest import claim_and_remove, file_report
from ..factories import ListingFactory


def remove(world, listing, reviewer=None):
    case = file_report(reporter=world.alice, right=world.tm_a, listings=[listing]).cases.get()
    claim_and_remove(case=case, reviewer=reviewer or world.rev1)
    return case


@pytest.fixture
def proposed(world, django_capture_on_commit_callbacks):
    """sam's seller with three removed listings (rev1, rev2, senior decided) and one still active."""
    with django_capture_on_commit_callbacks(execute=True):
        for listing, reviewer in zip(world.listings_a, [world.rev1, world.rev2, world.senior], strict=True):
            remove(world, listing, reviewer)
    world.spare = ListingFactory(seller=world.seller_a)
    return Suspension.objects.get(seller=world.seller_a)


def test_a_removal_decision_gives_the_seller_a_strike_that_expires_in_a_year(world):
    case = remove(world, world.listings_a[0])
    strike = Strike.objects.get()
    assert strike.seller == world.seller_a and list(strike.decisions.all()) == [case.decisions.get()]
    assert strike.expires_at - strike.created_at == timedelta(days=365)
    assert list(strikes_active(seller=world.seller_a)) == [strike]
    assert not strikes_active(seller=world.seller_b).exists()


def test_a_rejected_report_gives_no_strike(world):
    case = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1]).cases.get()
    claim_and_remove(case=case, reviewer=world.rev1, code="no_infringement")
    assert not Strike.objects.exists()


def test_the_expiry_period_is_configurable(world, settings):
    settings.STRIKE_EXPIRY_DAYS = 30
    remove(world, world.listings_a[0])
    strike = Strike.objects.get()
    assert strike.expires_at - strike.created_at == timedelta(days=30)


def test_a_strike_stops_counting_when_it_expires(world, time_machine):
    time_machine.move_to("2026-01-01T12:00:00Z", tick=False)
    remove(world, world.listings_a[0])
    time_machine.move_to("2026-12-31T12:00:00Z", tick=False)
    assert strikes_active(seller=world.seller_a).count() == 1
    time_machine.move_to("2027-01-01T12:00:01Z", tick=False)
    assert strikes_active(seller=world.seller_a).count() == 0


def test_expired_strikes_do_not_reach_the_threshold(world, time_machine):
    time_machine.move_to("2026-01-01T12:00:00Z", tick=False)
    remove(world, world.listings_a[0])
    remove(world, world.listings_a[1])
    time_machine.move_to("2027-01-02T12:00:00Z", tick=False)
    remove(world, world.listings_a[2])
    assert not Suspension.objects.exists()


def test_an_overturned_decision_removes_its_strike(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = remove(world, world.listings_a[0])
    appeal = appeal_file(case=case, user=world.sam, statement="Genuine goods.")
    appeal_decide(appeal=appeal, senior=world.senior, reason_code="appeal_genuine_goods", facts="Invoice shown.")
    strike = Strike.objects.get()
    assert strike.removed_at is not None and "Reinstated on appeal" in strike.removed_reason
    assert not strikes_active(seller=world.seller_a).exists()


def test_an_appeal_denied_keeps_the_strike(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = remove(world, world.listings_a[0])
    appeal = appeal_file(case=case, user=world.sam, statement="Genuine goods.")
    appeal_decide(appeal=appeal, senior=world.senior, reason_code="appeal_no_new_facts", facts="Nothing new.")
    assert strikes_active(seller=world.seller_a).count() == 1


def test_below_the_threshold_nothing_is_proposed(world):
    remove(world, world.listings_a[0])
    remove(world, world.listings_a[1])
    assert not Suspension.objects.exists()


def test_the_third_active_strike_proposes_a_suspension_once(world, proposed):
    assert proposed.status == SuspensionStatus.PROPOSED
    assert proposed.strikes.count() == 3
    remove(world, world.spare)  # a fourth strike while a proposal is open proposes nothing new
    assert Suspension.objects.count() == 1


def test_the_threshold_is_configurable(world, settings):
    settings.STRIKE_SUSPENSION_THRESHOLD = 2
    remove(world, world.listings_a[0])
    remove(world, world.listings_a[1])
    assert Suspension.objects.get().strikes.count() == 2


def test_a_senior_who_decided_none_of_the_strikes_approves_and_every_listing_of_the_seller_is_restricted(
        world, proposed, django_capture_on_commit_callbacks):
    other = ListingFactory(seller=world.seller_b)
    with django_capture_on_commit_callbacks(execute=True):
        approved = suspension_approve(suspension=proposed, senior=world.senior2, reason="Three counterfeit takedowns.")
    assert approved.status == SuspensionStatus.APPROVED and approved.decided_by == world.senior2
    job = approved.suspend_job
    job.refresh_from_db()
    # Every listing of the seller gets the suspension's restriction: the active one is suppressed,
    # the three removed ones stay removed (the suspension's restriction waits under the takedown's).
    assert job.total == 4 and job.done == 4 and job.status == BulkJobStatus.FINISHED
    world.spare.refresh_from_db()
    assert world.spare.status == ListingStatus.SUPPRESSED
    assert {lst.status for lst in world.listings_a if not lst.refresh_from_db()} == {ListingStatus.REMOVED}
    held = Restriction.objects.filter(suspension=approved, lifted_at=None).values_list("listing_id", flat=True)
    assert sorted(held) == sorted([world.spare.pk, *(lst.pk for lst in world.listings_a)])
    other.refresh_from_db()
    assert other.status == ListingStatus.ACTIVE
    audit_chain_pending()  # what the after-commit run links (tests never commit)
    assert audit_chain_verify()[1] is None


def test_the_senior_who_decided_a_strike_cannot_approve(world, proposed):
    with pytest.raises(SuspensionError, match="another senior reviewer"):
        suspension_approve(suspension=proposed, senior=world.senior, reason="Repeat infringer.")
    proposed.refresh_from_db()
    assert proposed.status == SuspensionStatus.PROPOSED


def test_only_a_senior_reviewer_decides_a_suspension(world, proposed):
    for user in (world.rev2, world.sam, world.alice):
        with pytest.raises(SuspensionError, match="Only a senior"):
            suspension_approve(suspension=proposed, senior=user, reason="x")


def test_a_decision_needs_a_reason(world, proposed):
    with pytest.raises(SuspensionError) as exc:
        suspension_reject(suspension=proposed, senior=world.senior2, reason="   ")
    assert exc.value.field == "reason"


def test_a_rejected_proposal_suppresses_nothing_and_cannot_be_approved_later(world, proposed):
    suspension_reject(suspension=proposed, senior=world.senior2, reason="Strikes from one brand dispute.")
    proposed.refresh_from_db()
    assert proposed.status == SuspensionStatus.REJECTED and proposed.reason == "Strikes from one brand dispute."
    with pytest.raises(SuspensionError, match="already rejected"):
        suspension_approve(suspension=proposed, senior=world.senior2, reason="Changed my mind.")
    assert not EnforcementAction.objects.filter(kind=ActionKind.SUPPRESS).exists()


def test_lifting_restores_the_listings_the_suspension_suppressed(world, proposed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        suspension_approve(suspension=proposed, senior=world.senior2, reason="Repeat infringer.")
    with django_capture_on_commit_callbacks(execute=True):
        lifted = suspension_lift(suspension=proposed, senior=world.senior2, reason="Seller showed invoices.")
    assert lifted.status == SuspensionStatus.LIFTED and lifted.lift_reason == "Seller showed invoices."
    world.spare.refresh_from_db()
    assert world.spare.status == ListingStatus.ACTIVE
    lifts = EnforcementAction.objects.filter(kind=ActionKind.UNSUPPRESS)
    assert {a.status for a in lifts} == {ActionStatus.APPLIED} and lifts.count() == 4
    assert not Restriction.objects.filter(suspension=proposed, lifted_at=None).exists()
    world.listings_a[0].refresh_from_db()
    assert world.listings_a[0].status == ListingStatus.REMOVED  # removed for its own takedown: stays
    assert Restriction.objects.get(listing=world.listings_a[0], lifted_at=None).source == "decision"


def test_only_an_approved_suspension_can_be_lifted(world, proposed):
    with pytest.raises(SuspensionError, match="Only an approved"):
        suspension_lift(suspension=proposed, senior=world.senior2, reason="x")


def test_after_a_lift_a_new_strike_can_propose_again(world, proposed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        suspension_approve(suspension=proposed, senior=world.senior2, reason="Repeat infringer.")
        suspension_lift(suspension=proposed, senior=world.senior2, reason="Settled.")
    remove(world, ListingFactory(seller=world.seller_a))
    assert Suspension.objects.filter(status=SuspensionStatus.PROPOSED).count() == 1


def test_a_withdrawn_report_takes_its_strike_back(world):
    report = file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_a[0]])
    claim_and_remove(case=report.cases.get(), reviewer=world.rev1)
    assert Strike.objects.filter(removed_at__isnull=True).count() == 1
    report_withdraw(report=report, user=world.alice)
    strike = Strike.objects.get()
    assert strike.removed_at is not None and "withdrawn" in strike.removed_reason


def test_the_seller_and_the_reviewer_see_the_active_strikes(world, client):
    case = file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_a[0]]).cases.get()
    claim_and_remove(case=case, reviewer=world.rev1)
    client.force_login(world.sam)
    html = client.get("/seller/").content.decode()
    assert 'data-testid="strikes"><b>1</b> active strike' in html and world.listings_a[0].external_id in html
    other = file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_a[1]]).cases.get()
    client.force_login(world.rev2)
    html = client.get(f"/review/cases/{other.pk}/").content.decode()
    assert 'data-testid="seller-strikes"><b>1</b> active strike' in html
