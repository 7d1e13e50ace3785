"""Request more information: the case waits, the reporter answers on the report page, the SLA
clock pauses, and unanswered questions send the case back to the queue."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from audit.transitions import transition
from complaints.models import CaseState, InfoRequest
from complaints.states import CASE_TRANSITIONS
from review.claims import case_claim
from review.info_requests import InfoRequestError, case_request_info, info_request_answer, info_requests_expire
from review.tasks import expire_info_requests

from ..views import held_case, open_case


def _ask(case, reviewer, hours=48):
    return case_request_info(case=case, reviewer=reviewer, question="Send the test-buy photos.",
                             deadline=timezone.now() + timedelta(hours=hours))


def _snapshot(case):
    case.refresh_from_db()
    return (case.state, case.claimed_by_id, case.due_at, InfoRequest.objects.count(), AuditEntry.objects.count())


def test_asking_puts_the_case_on_hold_and_frees_the_claim(world, client):
    case = held_case(world)
    client.force_login(world.rev1)
    deadline = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("review:case_request_info", kwargs={"pk": case.pk}),
                           {"question": "Which shop did the test buy come from?", "deadline": deadline})
    assert response.status_code == 302 and response["Location"] == reverse("review:queue")
    case.refresh_from_db()
    assert case.state == CaseState.NEEDS_INFO and case.claimed_by is None
    assert case.info_requests.get().question == "Which shop did the test buy come from?"


@pytest.mark.parametrize("data,field,message", [
    ({"question": "Photos?"}, "deadline", "Give a deadline for the answer."),
    ({"question": "Photos?", "deadline": "2020-01-01T10:00"}, "deadline",
     "The deadline is in the past; choose a later date and time."),
    ({"question": "Photos?", "deadline": "soon"}, "deadline", "Enter the deadline as a date and time"),
    ({"question": "  ", "deadline": "2099-01-01T10:00"}, "question", "Write the question the reporter should answer."),
])
def test_a_question_without_a_deadline_or_with_a_past_one_is_refused(world, client, data, field, message):
    case = held_case(world)
    before = _snapshot(case)
    client.force_login(world.rev1)
    response = client.post(reverse("review:case_request_info", kwargs={"pk": case.pk}), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and message in html
    assert _snapshot(case) == before


def test_a_deadline_too_far_away_is_refused(world):
    case = held_case(world)
    with pytest.raises(InfoRequestError, match="at most 30 days"):
        _ask(case, world.rev1, hours=31 * 24)


def test_asking_on_a_case_another_reviewer_holds_is_refused(world, client):
    case = held_case(world)
    before = _snapshot(case)
    client.force_login(world.rev2)
    deadline = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("review:case_request_info", kwargs={"pk": case.pk}),
                           {"question": "Photos?", "deadline": deadline})
    assert response.status_code == 400
    assert "Another reviewer holds this case." in response.content.decode()
    assert _snapshot(case) == before


def test_the_reporter_answers_on_the_report_page_and_the_case_returns_with_its_sla_paused(
        world, client, time_machine):
    case = held_case(world)
    due_before = case.due_at
    info = _ask(case, world.rev1)
    time_machine.move_to(timezone.now() + timedelta(hours=5))
    client.force_login(world.alice)
    page = client.get(reverse("reporters:report_detail", kwargs={"pk": case.report_id})).content.decode()
    assert "Send the test-buy photos." in page and "The reviewer needs more information" in page
    url = reverse("reporters:info_answer", kwargs={"pk": case.report_id, "request_pk": info.pk})
    assert client.post(url, {"answer": " "}).status_code == 400
    response = client.post(url, {"answer": "Photos attached to a new upload."})
    assert response.status_code == 302
    case.refresh_from_db()
    info.refresh_from_db()
    assert case.state == CaseState.OPEN and info.answer == "Photos attached to a new upload."
    paused = case.due_at - due_before
    assert timedelta(hours=5) <= paused < timedelta(hours=5, minutes=1)
    # answering twice is refused
    assert client.post(url, {"answer": "Again."}).status_code == 400


def test_another_brand_cannot_answer(world, client):
    case = held_case(world)
    info = _ask(case, world.rev1)
    client.force_login(world.bob)
    url = reverse("reporters:info_answer", kwargs={"pk": case.report_id, "request_pk": info.pk})
    assert client.post(url, {"answer": "Mine."}).status_code == 404
    with pytest.raises(Exception, match="Only the reporting brand"):
        info_request_answer(request=info, user=world.bob, answer="Mine.")
    case.refresh_from_db()
    assert case.state == CaseState.NEEDS_INFO


def test_an_unanswered_question_sends_the_case_back_to_the_queue_at_the_deadline(world, time_machine):
    case = held_case(world)
    due_before = case.due_at
    info = _ask(case, world.rev1, hours=24)
    other = _ask(_other_held(world), world.rev1, hours=72)
    time_machine.move_to(timezone.now() + timedelta(hours=25))
    assert expire_info_requests.delay().get() == 1
    case.refresh_from_db()
    info.refresh_from_db()
    other.refresh_from_db()
    assert case.state == CaseState.OPEN and info.expired_at is not None and info.answer == ""
    assert case.due_at - due_before >= timedelta(hours=25)
    assert other.is_open and other.case.state == CaseState.NEEDS_INFO
    assert info_requests_expire() == 0  # idempotent


def _other_held(world):
    case = open_case(world, listing=world.listings_a[1])
    with transaction.atomic():
        case_claim(case=case, reviewer=world.rev1)
    case.refresh_from_db()
    return case


def test_a_waiting_case_is_never_overdue_in_the_queue_health(world, time_machine):
    case = held_case(world)
    _ask(case, world.rev1, hours=24 * 20)
    time_machine.move_to(timezone.now() + timedelta(days=10))
    case.refresh_from_db()
    assert not case.is_overdue


def test_a_question_on_a_case_withdrawn_meanwhile_just_closes(world, time_machine):
    case = held_case(world)
    info = _ask(case, world.rev1, hours=1)
    with transaction.atomic():  # as a withdrawal does (issue 4 owns the service)
        transition(obj=case, to=CaseState.WITHDRAWN, actor=world.alice, table=CASE_TRANSITIONS)
    time_machine.move_to(timezone.now() + timedelta(hours=2))
    assert info_requests_expire() == 1
    case.refresh_from_db()
    info.refresh_from_db()
    assert case.state == CaseState.WITHDRAWN and info.expired_at is not None
