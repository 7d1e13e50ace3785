from datetime import date

import pytest

from counter_notices.models import CounterNotice, CounterNoticeStatus
from counter_notices.states import COUNTER_NOTICE_TRANSITIONS

from ..factories import DecisionFactory
from ..transitions import all_pairs, assert_move_obeys_table


def test_the_table_names_every_status():
    assert set(COUNTER_NOTICE_TRANSITIONS) == set(CounterNoticeStatus.values)


@pytest.mark.django_db
@pytest.mark.parametrize("current,to", all_pairs(CounterNoticeStatus))
def test_a_counter_notice_moves_only_as_the_table_allows(current, to):
    decision = DecisionFactory()
    notice = CounterNotice.objects.create(
        case=decision.case, decision=decision, filed_by=decision.case.report.reporter, material="m", location="l",
        perjury_statement=True, full_name="S S", address="a", phone="1", consent_jurisdiction=True,
        consent_service=True, signature="S S", status=current, court_action_due=date(2027, 1, 4),
        reinstate_on=date(2027, 1, 5),
    )
    assert_move_obeys_table(obj=notice, to=to, table=COUNTER_NOTICE_TRANSITIONS, field="status")


# Written out: a copyright filing is checked before it closes the counter-notice; a reviewed one
# (trademark, design, patent) ends only by a senior's decision.
EXPECTED = {
    ("waiting", "filing_review"), ("waiting", "reinstated"), ("waiting", "for_decision"),
    ("filing_review", "court_action"), ("filing_review", "waiting"),
    ("for_decision", "reinstated"), ("for_decision", "rejected"),
}


def test_the_table_allows_exactly_the_expected_moves():
    allowed = {(a, b) for a, targets in COUNTER_NOTICE_TRANSITIONS.items() for b in targets}
    assert allowed == EXPECTED
