"""An IP right answers its status and kind questions, each true for exactly the values written here."""

import pytest

from registry.models import IPRight, RightKind, RightStatus

from ..state_questions import answered_yes

STATUS_QUESTIONS = {
    "is_pending": {"pending"},
    "is_verified": {"verified"},
    "is_rejected": {"rejected"},
    "is_expired": {"expired"},
}
KIND_QUESTIONS = {
    "is_trademark": {"trademark"},
    "is_patent": {"patent"},
    "is_design": {"design"},
    "is_copyright": {"copyright"},
}


@pytest.mark.parametrize("question,yes", STATUS_QUESTIONS.items(), ids=STATUS_QUESTIONS)
def test_a_right_status_question_is_true_in_exactly_its_status(question, yes):
    assert answered_yes(IPRight, "status", RightStatus, question) == yes


@pytest.mark.parametrize("question,yes", KIND_QUESTIONS.items(), ids=KIND_QUESTIONS)
def test_a_right_kind_question_is_true_for_exactly_its_kind(question, yes):
    assert answered_yes(IPRight, "kind", RightKind, question) == yes
