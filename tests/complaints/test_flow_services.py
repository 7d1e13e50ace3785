import pytest

from actions.models import ActionStatus
from appeals.services import appeal_decide, appeal_file
from complaints.models import CaseState
from listings.models import ListingStatus

from ..conftest import claim_and_remove, file_report


@pytest.mark.django_db(transaction=True)
def test_the_whole_flow_takes_down_and_reinstates(world):
    listing = world.listings_a[0]
    report = file_report(reporter=world.alice, right=world.tm_a, listings=[listing])
    case = report.cases.get()
    claim_and_remove(case=case, reviewer=world.rev1)
    listing.refresh_from_db()
    case.refresh_from_db()
    assert case.state == CaseState.ACTIONED
    assert listing.status == ListingStatus.REMOVED
    assert case.actions.get().status == ActionStatus.APPLIED

    appeal = appeal_file(case=case, user=world.sam, statement="Genuine goods.")
    appeal_decide(appeal=appeal, senior=world.senior, reason_code="appeal_genuine_goods", facts="Invoice shown.")
    listing.refresh_from_db()
    case.refresh_from_db()
    assert case.state == CaseState.REINSTATED
    assert listing.status == ListingStatus.ACTIVE
    assert [a.kind for a in case.actions.order_by("id")] == ["remove", "reinstate"]
