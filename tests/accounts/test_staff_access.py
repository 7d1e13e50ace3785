"""The administrators' sign-in help page: reset a person's two-step sign-in and login lockout with
a reason, audited, the person told by e-mail; nobody else may, and nobody resets their own."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.access_reset import AccessResetError, account_access_reset, login_locked
from accounts.otp import otp_enabled, recovery_codes_regenerate
from audit.models import AuditEntry

from ..factories import UserFactory
from ..views import assert_login_redirect

pytestmark = pytest.mark.django_db
PAGE = reverse("staff_access")
REASON = "Called back on the number in the HR record."


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True)


@pytest.fixture
def locked_reviewer(world, settings):
    user = world.rev1
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    recovery_codes_regenerate(user=user)
    AccessAttempt.objects.create(username=user.username, ip_address="203.0.113.9", user_agent="x", get_data="",
                                 post_data="", http_accept="", path_info="/accounts/login/",
                                 failures_since_start=settings.AXES_FAILURE_LIMIT,
                                 attempt_time=timezone.now() - timedelta(minutes=1))
    assert otp_enabled(user) and login_locked(user)
    return user


def _reset(client, user, **fields):
    data = {f"u{user.pk}-{k}": v for k, v in {"two_factor": "on", "lockout": "on", "reason": REASON,
                                              **fields}.items() if v is not None}
    return client.post(reverse("staff_access_reset", args=[user.pk]), data)


def test_the_admin_finds_the_person_and_sees_their_state(client, admin_user, locked_reviewer):
    client.force_login(admin_user)
    html = client.get(PAGE, {"q": "rev1"}).content.decode()
    assert f'data-testid="person-{locked_reviewer.pk}"' in html
    assert "locked out" in html and '<b data-testid="two-factor">on</b>' in html


def test_the_admin_resets_both_audited_and_the_person_is_told(client, admin_user, locked_reviewer,
                                                              django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = _reset(client, locked_reviewer)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=locked_reviewer).exists()
    assert not StaticDevice.objects.filter(user=locked_reviewer).exists()
    assert not login_locked(locked_reviewer) and not AccessAttempt.objects.exists()
    for action in ("two_factor.reset", "login_lockout.reset"):
        entry = AuditEntry.objects.get(action=action)
        assert entry.actor == admin_user and entry.data["reason"] == REASON
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [locked_reviewer.email]
    assert "two-step sign-in" in mail.outbox[0].body and REASON in mail.outbox[0].body


def test_only_the_lockout_can_be_lifted(client, admin_user, locked_reviewer):
    client.force_login(admin_user)
    assert _reset(client, locked_reviewer, two_factor=None).status_code == 302
    assert otp_enabled(locked_reviewer) and not login_locked(locked_reviewer)
    assert not AuditEntry.objects.filter(action="two_factor.reset").exists()


@pytest.mark.parametrize("fields, message", [
    ({"reason": "ok"}, "at least 10 characters"),
    ({"two_factor": None, "lockout": None}, "Choose what to reset"),
])
def test_bad_input_changes_nothing_and_says_why(client, admin_user, locked_reviewer, fields, message):
    client.force_login(admin_user)
    response = _reset(client, locked_reviewer, **fields)
    assert response.status_code == 400 and message in response.content.decode()
    assert otp_enabled(locked_reviewer) and login_locked(locked_reviewer)


def test_nobody_resets_their_own(admin_user):
    with pytest.raises(AccessResetError, match="another administrator"):
        account_access_reset(user=admin_user, by=admin_user, two_factor=True, lockout=False, reason=REASON)


@pytest.mark.parametrize("persona", ["alice", "rev2", "senior", "sam"])
def test_only_administrators_see_or_reset(client, world, locked_reviewer, persona):
    client.force_login(getattr(world, persona))
    assert client.get(PAGE, {"q": "rev1"}).status_code == 403
    assert _reset(client, locked_reviewer).status_code == 403
    assert otp_enabled(locked_reviewer) and login_locked(locked_reviewer)


def test_the_page_needs_a_login_and_a_post(client, admin_user, locked_reviewer):
    assert_login_redirect(client.get(PAGE), PAGE)
    client.force_login(admin_user)
    assert client.get(reverse("staff_access_reset", args=[locked_reviewer.pk])).status_code == 405
