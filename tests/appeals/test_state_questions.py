"""An appeal answers its state questions, each true for exactly the statuses written here."""

from appeals.models import Appeal, AppealStatus
from complaints.models import Party

from ..state_questions import answered_yes


def test_an_appeal_is_open_only_in_the_open_status():
    assert answered_yes(Appeal, "status", AppealStatus, "is_open") == {"open"}


def test_an_appeal_is_granted_only_in_the_granted_status():
    assert answered_yes(Appeal, "status", AppealStatus, "is_granted") == {"granted"}


def test_an_appeal_is_the_reporters_only_when_the_rights_holder_filed_it():
    assert answered_yes(Appeal, "party", Party, "by_reporter") == {"reporter"}
