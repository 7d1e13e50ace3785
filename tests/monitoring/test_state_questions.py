"""A re-check job answers its state question, true for exactly the status written here."""

from monitoring.models import RecheckJob, RecheckStatus

from ..state_questions import answered_yes


def test_a_recheck_is_running_only_in_the_running_status():
    assert answered_yes(RecheckJob, "status", RecheckStatus, "is_running") == {"running"}
