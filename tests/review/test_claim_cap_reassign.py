from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from complaints.models import Case, CaseState
from complaints.records import CaseError
from review.claims import case_claim, case_claim_next, case_reassign

from ..conftest import file_report
from ..factories import ListingFactory
from ..views import assert_login_redirect, held_case, open_case


def _open_cases(world, n):
    return list(file_report(reporter=world.alice, right=world.tm_a,
                            listings=[ListingFactory() for _ in range(n)]).cases.order_by("id"))


# the cap

def test_claim_next_stops_at_the_cap_with_a_clear_message(world, settings):
    settings.REVIEW_MAX_OPEN_CLAIMS = 2
    cases = _open_cases(world, 3)
    assert [case_claim_next(reviewer=world.rev1) for _ in range(2)] == cases[:2]
    with pytest.raises(CaseError, match=r"You hold 2 open cases, the most one reviewer may hold \(2\)\. "
                                        r"Decide or release one"):
        case_claim_next(reviewer=world.rev1)
    cases[2].refresh_from_db()
    assert cases[2].state == CaseState.OPEN
    assert case_claim_next(reviewer=world.rev2) == cases[2]  # the cap is per reviewer


def test_claiming_one_case_respects_the_cap_too(world, settings):
    settings.REVIEW_MAX_OPEN_CLAIMS = 1
    first, second = _open_cases(world, 2)
    case_claim(case=first, reviewer=world.rev1)
    with pytest.raises(CaseError, match="the most one reviewer may hold"):
        case_claim(case=second, reviewer=world.rev1)


def test_the_cap_defaults_to_five(world):
    _open_cases(world, 6)
    for _ in range(5):
        case_claim_next(reviewer=world.rev1)
    with pytest.raises(CaseError, match=r"\(5\)"):
        case_claim_next(reviewer=world.rev1)


def test_expired_claims_do_not_count_toward_the_cap(world, settings, time_machine):
    settings.REVIEW_MAX_OPEN_CLAIMS = 1
    time_machine.move_to(timezone.now(), tick=False)
    first, second = _open_cases(world, 2)
    case_claim(case=first, reviewer=world.rev1)
    time_machine.move_to(timezone.now() + timedelta(minutes=settings.REVIEW_CLAIM_MINUTES, seconds=1), tick=False)
    # the lapsed first case is handed out first again, and counts as one live claim
    assert case_claim_next(reviewer=world.rev1) == first


def test_the_claim_next_button_shows_the_cap_message(world, client, settings):
    settings.REVIEW_MAX_OPEN_CLAIMS = 1
    _open_cases(world, 2)
    client.force_login(world.rev1)
    client.post(reverse("review:claim_next"))
    response = client.post(reverse("review:claim_next"), follow=True)
    assert response.redirect_chain == [(reverse("review:queue"), 302)]
    assert "You hold 1 open cases, the most one reviewer may hold (1)." in response.content.decode()


# reassign (service)

def test_a_senior_reassigns_a_claimed_case(world):
    case = held_case(world, world.rev1)
    case_reassign(case=case, senior=world.senior, to_reviewer=world.rev2)
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW and case.claimed_by == world.rev2
    assert case.claim_expires_at > timezone.now()
    entry = AuditEntry.objects.filter(action="case.reassigned", target_id=case.pk).get()
    assert entry.actor == world.senior and entry.data == {"from": "rev1", "to": "rev2"}


def test_a_senior_assigns_an_open_case(world):
    case = open_case(world)
    case_reassign(case=case, senior=world.senior, to_reviewer=world.rev2)
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW and case.claimed_by == world.rev2
    assert AuditEntry.objects.filter(action="case.in_review", target_id=case.pk).get().actor == world.senior
    assert AuditEntry.objects.get(action="case.reassigned", target_id=case.pk).data == {"from": None, "to": "rev2"}


@pytest.mark.parametrize("persona", ["rev1", "rev2", "alice", "sam"])
def test_only_a_senior_can_reassign(world, persona):
    case = held_case(world, world.rev1)
    with pytest.raises(PermissionDenied):
        case_reassign(case=case, senior=getattr(world, persona), to_reviewer=world.rev2)
    case.refresh_from_db()
    assert case.claimed_by == world.rev1


@pytest.mark.parametrize("persona", ["alice", "sam", "outsider"])
def test_a_case_goes_only_to_a_reviewer(world, persona):
    case = held_case(world, world.rev1)
    with pytest.raises(CaseError, match="is not an active reviewer"):
        case_reassign(case=case, senior=world.senior, to_reviewer=getattr(world, persona))


def test_reassigning_respects_the_new_holders_cap(world, settings):
    settings.REVIEW_MAX_OPEN_CLAIMS = 1
    first, second = _open_cases(world, 2)
    with transaction.atomic():
        case_claim(case=first, reviewer=world.rev2)
    with pytest.raises(CaseError, match=r"rev2 holds 1 open cases"):
        case_reassign(case=second, senior=world.senior, to_reviewer=world.rev2)
    second.refresh_from_db()
    assert second.state == CaseState.OPEN


def test_a_decided_case_cannot_be_reassigned(world):
    case = open_case(world)
    Case.objects.filter(pk=case.pk).update(state=CaseState.REJECTED)
    with pytest.raises(CaseError, match="rejected; only open or claimed cases"):
        case_reassign(case=case, senior=world.senior, to_reviewer=world.rev2)


# reassign (view)

def test_the_senior_sees_the_reassign_form_and_reviewers_do_not(world, client):
    case = held_case(world, world.rev1)
    client.force_login(world.senior)
    assert "Reassign to" in client.get(reverse("review:case_detail", args=[case.pk])).content.decode()
    client.force_login(world.rev2)
    assert "Reassign to" not in client.get(reverse("review:case_detail", args=[case.pk])).content.decode()


def test_the_senior_reassigns_from_the_case_page(world, client):
    case = held_case(world, world.rev1)
    client.force_login(world.senior)
    response = client.post(reverse("review:case_reassign", args=[case.pk]), {"reviewer": world.rev2.pk},
                           follow=True)
    assert response.redirect_chain == [(reverse("review:case_detail", args=[case.pk]), 302)]
    assert f"{case.reference} is now with rev2." in response.content.decode()
    case.refresh_from_db()
    assert case.claimed_by == world.rev2


@pytest.mark.parametrize("persona", ["rev1", "rev2", "alice", "sam", "outsider"])
def test_reassign_is_forbidden_to_everyone_but_seniors(world, client, settings, persona):
    settings.DEBUG = False
    case = held_case(world, world.rev1)
    client.force_login(getattr(world, persona))
    response = client.post(reverse("review:case_reassign", args=[case.pk]), {"reviewer": world.rev2.pk})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.claimed_by == world.rev1


def test_reassign_without_a_reviewer_names_the_field(world, client):
    case = held_case(world, world.rev1)
    client.force_login(world.senior)
    response = client.post(reverse("review:case_reassign", args=[case.pk]), {"reviewer": ""})
    assert response.status_code == 400
    assert "Choose the reviewer who should take this case." in response.content.decode()
    response = client.post(reverse("review:case_reassign", args=[case.pk]), {"reviewer": world.alice.pk})
    assert "Choose one of the listed reviewers." in response.content.decode()
    case.refresh_from_db()
    assert case.claimed_by == world.rev1


def test_reassign_to_a_full_reviewer_keeps_the_choice_and_says_why(world, client, settings):
    settings.REVIEW_MAX_OPEN_CLAIMS = 1
    first, second = _open_cases(world, 2)
    case_claim(case=first, reviewer=world.rev2)
    client.force_login(world.senior)
    response = client.post(reverse("review:case_reassign", args=[second.pk]), {"reviewer": world.rev2.pk})
    html = response.content.decode()
    assert response.status_code == 400
    assert "rev2 holds 1 open cases" in html
    assert f'<option value="{world.rev2.pk}" selected>' in html


def test_reassign_refuses_get_and_anonymous(world, client):
    case = held_case(world, world.rev1)
    url = reverse("review:case_reassign", args=[case.pk])
    assert_login_redirect(client.post(url), url)
    client.force_login(world.senior)
    assert client.get(url).status_code == 405
