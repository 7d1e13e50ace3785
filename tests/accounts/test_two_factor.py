"""Two-factor authentication (TOTP with recovery codes): required of staff, optional for rights
holders; a login with a second factor on file asks for a code before any page."""

import re

import pyotp
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _required(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True


def _login(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def _enrol(client, next_url=""):
    page = client.get(reverse("two_factor_setup") + (f"?next={next_url}" if next_url else ""))
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7=]+)<', page.content.decode()).group(1)
    done = client.post(reverse("two_factor_setup"), {"code": pyotp.TOTP(secret).now(), "next": next_url})
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())
    return secret, codes, done


def test_a_reviewer_must_enrol_before_any_page_and_then_logs_in_with_a_code(client):
    UserFactory(username="rev", role="reviewer")
    response = _login(client, "rev")
    assert client.get(reverse("review:queue")).url.startswith(reverse("two_factor_setup"))
    secret, codes, done = _enrol(client, next_url=reverse("review:queue"))
    assert done.status_code == 200 and len(codes) == 10
    assert client.get(reverse("review:queue")).status_code == 200
    client.post(reverse("logout"))

    # Next login: the password alone reaches no page.
    response = _login(client, "rev")
    assert response.status_code == 302
    assert client.get(reverse("review:queue")).url.startswith(reverse("two_factor_verify"))
    wrong = client.post(reverse("two_factor_verify"), {"code": "000000", "next": reverse("review:queue")})
    assert wrong.status_code == 400 and "not accepted" in wrong.content.decode()
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=60)):  # past the wrong code's wait
        ok = client.post(reverse("two_factor_verify"), {"code": pyotp.TOTP(secret).now(),
                                                       "next": reverse("review:queue")})
        assert ok.status_code == 302 and ok.url == reverse("review:queue")
        assert client.get(reverse("review:queue")).status_code == 200
    assert AuditEntry.objects.filter(action="two_factor.enabled").count() == 1


def test_a_recovery_code_logs_in_once(client):
    UserFactory(username="senior", role="senior_reviewer")
    _login(client, "senior")
    _, codes, _ = _enrol(client)
    client.post(reverse("logout"))
    _login(client, "senior")
    assert client.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 302
    client.post(reverse("logout"))
    _login(client, "senior")
    assert client.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 400
    assert AuditEntry.objects.filter(action="two_factor.recovery_code_used").count() == 1


def test_a_wrong_enrolment_code_keeps_the_same_secret_and_says_why(client):
    UserFactory(username="rev", role="reviewer")
    _login(client, "rev")
    first = client.get(reverse("two_factor_setup")).content.decode()
    wrong = client.post(reverse("two_factor_setup"), {"code": "12"})
    assert wrong.status_code == 400 and "not the one your app shows" in wrong.content.decode()
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7=]+)<', first).group(1)
    assert secret in wrong.content.decode()
    assert client.get(reverse("review:queue")).status_code == 302  # still not enrolled


def test_admins_must_enrol_too(client):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    _login(client, "root")
    assert client.get(reverse("admin:index")).url.startswith(reverse("two_factor_setup"))


def test_a_session_owing_a_code_cannot_use_the_api_either(client):
    UserFactory(username="rev", role="reviewer")
    _login(client, "rev")
    assert client.get("/api/v1/reports/").status_code == 403


def test_rights_holders_choose_and_may_turn_it_off(client):
    UserFactory(username="alice", role="rights_holder")
    _login(client, "alice")
    assert client.get(reverse("reporters:report_list")).status_code == 200  # optional: not asked
    _enrol(client)
    client.post(reverse("logout"))
    _login(client, "alice")
    assert client.get(reverse("reporters:report_list")).url.startswith(reverse("two_factor_verify"))


def test_staff_cannot_turn_it_off_while_required(client):
    UserFactory(username="rev", role="reviewer")
    _login(client, "rev")
    _enrol(client)
    client.post(reverse("two_factor_disable"))
    client.post(reverse("logout"))
    _login(client, "rev")
    assert client.get(reverse("review:queue")).url.startswith(reverse("two_factor_verify"))


def test_the_demo_setting_lets_staff_in_with_a_password(client, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    UserFactory(username="rev", role="reviewer")
    _login(client, "rev")
    assert client.get(reverse("review:queue")).status_code == 200


def test_next_never_leaves_the_portal(client):
    UserFactory(username="alice", role="rights_holder")
    _login(client, "alice")
    secret, _, _ = _enrol(client)
    client.post(reverse("logout"))
    _login(client, "alice")
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=31)):  # the enrolment code is spent
        response = client.post(reverse("two_factor_verify"), {"code": pyotp.TOTP(secret).now(),
                                                              "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == reverse("home")


def test_a_code_is_refused_a_second_time(client):
    UserFactory(username="alice", role="rights_holder")
    _login(client, "alice")
    page = client.get(reverse("two_factor_setup"))
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7=]+)<', page.content.decode()).group(1)
    code = pyotp.TOTP(secret).now()
    assert client.post(reverse("two_factor_setup"), {"code": code}).status_code == 200
    client.post(reverse("logout"))
    _login(client, "alice")
    # The very code that confirmed the enrolment, replayed (the same one even if its 30 seconds rolled over).
    assert client.post(reverse("two_factor_verify"), {"code": code}).status_code == 400
