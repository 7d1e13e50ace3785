"""A counter-notice answers its state question, true for exactly the status written here."""

from counter_notices.models import CounterNotice, CounterNoticeStatus

from ..state_questions import answered_yes


def test_a_counter_notice_is_waiting_only_in_the_waiting_status():
    assert answered_yes(CounterNotice, "status", CounterNoticeStatus, "is_waiting") == {"waiting"}
