"""A statement record's submission status moves only as SUBMISSION_TRANSITIONS allows: staff's
retry through the audited transition, the submission's set-based moves by filtering on the table."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from registry.models import RightKind
from tests.transitions import all_pairs, assert_move_obeys_table
from transparency.models import StatementRecord, SubmissionStatus
from transparency.services import _set
from transparency.states import SUBMISSION_TRANSITIONS

from .helpers import REMOVE, decided

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(world, django_capture_on_commit_callbacks):
    restriction = decided(world, django_capture_on_commit_callbacks, kind=RightKind.DESIGN,
                          code=REMOVE[RightKind.DESIGN])
    return StatementRecord.objects.get(restriction=restriction)


@pytest.mark.parametrize(("start", "to"), all_pairs(SubmissionStatus))
def test_every_move_of_a_statement_obeys_the_table(record, world, start, to):
    StatementRecord.objects.filter(pk=record.pk).update(status=start)
    record.refresh_from_db()
    assert_move_obeys_table(obj=record, to=to, table=SUBMISSION_TRANSITIONS, field="status", actor=world.rev1)


@pytest.mark.parametrize(("start", "to"), all_pairs(SubmissionStatus))
def test_the_submissions_set_based_moves_obey_the_table_too(record, start, to):
    StatementRecord.objects.filter(pk=record.pk).update(status=start)
    moved = _set([record.pk], status=to)
    record.refresh_from_db()
    allowed = to in SUBMISSION_TRANSITIONS[start]
    assert (moved, record.status) == ((1, to) if allowed else (0, start))


def test_staff_retry_is_audited_with_who_and_a_submitted_statement_cannot_be_sent_again(record, world, client):
    client.force_login(world.rev1)
    StatementRecord.objects.filter(pk=record.pk).update(status=SubmissionStatus.SUBMITTED)
    page = client.post(reverse("transparency:statement_retry", args=[record.pk]), follow=True).content.decode()
    assert "was not rejected or failed" in page
    record.refresh_from_db()
    assert record.status == SubmissionStatus.SUBMITTED

    StatementRecord.objects.filter(pk=record.pk).update(status=SubmissionStatus.REJECTED)
    client.post(reverse("transparency:statement_retry", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == SubmissionStatus.PENDING
    entry = AuditEntry.objects.filter(action="statementrecord.pending", target_id=record.pk).get()
    assert entry.actor_id == world.rev1.pk and entry.data["from"] == "rejected"
