"""DSA Art. 18: a reviewer flags, every senior sees it at once, a senior notifies with the package
or dismisses; the table over every pair."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AuditEntry
from legal.models import OffenceNotification, OffenceState, PackageStatus
from legal.services import LegalError, offence_dismiss, offence_flag, offence_notify
from legal.states import OFFENCE_TRANSITIONS
from tests.conftest import file_report
from tests.transitions import all_pairs, assert_move_obeys_table

ALLOWED = {("flagged", "notified"), ("flagged", "dismissed")}


def test_the_table_is_the_one_written_here():
    assert {(a, b) for a, tos in OFFENCE_TRANSITIONS.items() for b in tos} == ALLOWED


@pytest.fixture
def case(world):
    return file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_a[0]]).cases.get()


@pytest.mark.parametrize(("current", "to"), all_pairs(OffenceState))
def test_every_move_obeys_the_table(world, case, current, to):
    flag = OffenceNotification.objects.create(case=case, threat="health", suspicion="s", flagged_by=world.rev1,
                                              state=current)
    assert_move_obeys_table(obj=flag, to=to, table=OFFENCE_TRANSITIONS, field="state", actor=world.senior)


def test_a_reviewers_flag_is_shown_to_every_senior_at_once(world, client, case):
    client.force_login(world.rev1)
    response = client.post(reverse("legal:offence_flag"), {"case": case.pk, "threat": "health",
                                                           "suspicion": "Counterfeit insulin pens, no cold chain."})
    flag = OffenceNotification.objects.get()
    assert response.url == reverse("legal:offence_detail", args=[flag.pk])
    assert AuditEntry.objects.filter(action="offencenotification.flagged", target_id=flag.pk, actor=world.rev1).exists()
    for senior in (world.senior, world.senior2):
        client.force_login(senior)
        body = client.get(reverse("review:queue")).content.decode()
        assert 'data-testid="offence-alert"' in body and "1 suspected criminal offence" in body
    for user in (world.rev2, world.alice, world.sam):
        client.force_login(user)
        assert 'data-testid="offence-alert"' not in client.get("/").content.decode()


def test_a_senior_notifies_with_the_case_package(world, client, case, django_capture_on_commit_callbacks):
    flag = offence_flag(case=case, reviewer=world.rev1, threat="safety", suspicion="Exploding chargers.")
    client.force_login(world.senior)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("legal:offence_decide", args=[flag.pk]), {"action": "notify",
                                                                      "authority": "BKA, Germany, by e-mail"})
    flag.refresh_from_db()
    assert flag.state == OffenceState.NOTIFIED and flag.decided_by == world.senior
    assert flag.package.case == case and flag.package.status == PackageStatus.READY
    body = client.get(reverse("legal:offence_detail", args=[flag.pk])).content.decode()
    assert "BKA, Germany" in body and flag.package.sha256 in body and "Art. 18" in body
    assert 'data-testid="offence-alert"' not in body


def test_a_senior_dismisses_with_a_reason(world, client, case):
    flag = offence_flag(case=case, reviewer=world.rev1, threat="life", suspicion="s")
    client.force_login(world.senior)
    response = client.post(reverse("legal:offence_decide", args=[flag.pk]), {"action": "dismiss", "reason": ""},
                           follow=True)
    assert "Say why the suspicion does not hold" in response.content.decode()
    offence_dismiss(flag=flag, senior=world.senior, reason="Genuine product, lab report attached.")
    flag.refresh_from_db()
    assert flag.state == OffenceState.DISMISSED


def test_a_reviewer_cannot_notify_and_a_case_is_flagged_once(world, case):
    flag = offence_flag(case=case, reviewer=world.rev1, threat="life", suspicion="s")
    with pytest.raises(PermissionDenied):
        offence_notify(flag=flag, senior=world.rev2, authority="x")
    with pytest.raises(LegalError, match="already flagged"):
        offence_flag(case=case, reviewer=world.rev2, threat="life", suspicion="again")
    with pytest.raises(LegalError, match="Name the member state authority"):
        offence_notify(flag=flag, senior=world.senior, authority=" ")


def test_only_reviewers_flag_and_see_flags(world, client, case):
    flag = offence_flag(case=case, reviewer=world.rev1, threat="life", suspicion="s")
    for user in (world.alice, world.sam, world.outsider):
        client.force_login(user)
        assert client.post(reverse("legal:offence_flag"), {"case": case.pk, "threat": "life",
                                                           "suspicion": "x"}).status_code == 403
        assert client.get(reverse("legal:offence_detail", args=[flag.pk])).status_code == 403
        assert client.get(reverse("legal:offence_list")).status_code == 403
    assert OffenceNotification.objects.count() == 1


def test_a_flag_without_a_suspicion_names_the_field(world, client, case):
    client.force_login(world.rev1)
    response = client.post(reverse("legal:offence_flag"), {"case": case.pk, "threat": "life", "suspicion": ""},
                           follow=True)
    assert "What you suspect, and why: This field is required." in response.content.decode()
    assert client.get(reverse("legal:offence_flag")).status_code == 405
    assert not OffenceNotification.objects.exists()
