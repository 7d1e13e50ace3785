import pytest

from actions.models import BulkJob, BulkJobStatus
from actions.states import BULK_JOB_TRANSITIONS
from suspensions.models import Suspension, SuspensionStatus
from suspensions.states import SUSPENSION_TRANSITIONS

from ..factories import SellerFactory
from ..transitions import all_pairs, assert_move_obeys_table


def test_the_tables_name_every_status():
    assert set(BULK_JOB_TRANSITIONS) == set(BulkJobStatus.values)
    assert set(SUSPENSION_TRANSITIONS) == set(SuspensionStatus.values)


@pytest.mark.django_db
@pytest.mark.parametrize("current,to", all_pairs(BulkJobStatus))
def test_a_bulk_job_moves_only_as_the_table_allows(current, to):
    job = BulkJob.objects.create(kind="suspend", title="t", status=current)
    assert_move_obeys_table(obj=job, to=to, table=BULK_JOB_TRANSITIONS, field="status")


@pytest.mark.django_db
@pytest.mark.parametrize("current,to", all_pairs(SuspensionStatus))
def test_a_suspension_moves_only_as_the_table_allows(current, to):
    proposal = Suspension.objects.create(seller=SellerFactory(), status=current)
    assert_move_obeys_table(obj=proposal, to=to, table=SUSPENSION_TRANSITIONS, field="status")
