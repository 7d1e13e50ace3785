"""A suspension answers its state question, true for exactly the status written here."""

from suspensions.models import Suspension, SuspensionStatus

from ..state_questions import answered_yes


def test_a_suspension_is_approved_only_in_the_approved_status():
    assert answered_yes(Suspension, "status", SuspensionStatus, "is_approved") == {"approved"}


def test_a_suspension_is_proposed_only_in_the_proposed_status():
    assert answered_yes(Suspension, "status", SuspensionStatus, "is_proposed") == {"proposed"}
