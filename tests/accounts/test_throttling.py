"""Throttling: login lockout per account and address (django-axes), rate limits on password reset,
report filing, uploads and the API, each answered with 429 and Retry-After."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from common.ratelimit import rate_parse

from ..factories import PASSWORD, UserFactory, api_key_for

pytestmark = pytest.mark.django_db


def _login(client, username, password, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_wrong_passwords_lock_the_account_from_that_address_even_for_the_right_one(client, settings):
    UserFactory(username="rev", role="reviewer")
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert _login(client, "rev", "wrong").status_code == 200  # the form again, with its error
    locked = _login(client, "rev", "wrong")
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_MINUTES * 60
    right = _login(client, "rev", PASSWORD)
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    assert "Too many failed logins" in right.content.decode()


def test_the_lockout_is_per_account_and_address(client):
    UserFactory(username="rev", role="reviewer")
    for _ in range(5):
        _login(client, "rev", "wrong", address="10.0.0.1")
    # Another address still logs in: a stranger cannot lock a reviewer out from elsewhere.
    assert _login(client, "rev", PASSWORD, address="10.0.0.2").status_code == 302


def test_a_success_before_the_limit_resets_the_count(client):
    UserFactory(username="rev", role="reviewer")
    for _ in range(4):
        _login(client, "rev", "wrong")
    assert _login(client, "rev", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert _login(client, "rev", "wrong").status_code == 200
    assert _login(client, "rev", PASSWORD).status_code == 302


def test_many_usernames_from_one_address_meet_the_address_limit(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_ip": "3/10minute"}
    for i in range(3):
        assert _login(client, f"guess{i}", "x").status_code == 200
    refused = _login(client, "guess9", "x")
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 600


def test_password_reset_mails_are_limited_per_email_address(client, settings):
    UserFactory(username="alice", email="alice@example.test")
    assert settings.RATE_LIMITS["password_reset_email"] == "3/hour"
    for i in range(3):
        assert client.post(reverse("password_reset"), {"email": "Alice@example.test"},
                           REMOTE_ADDR=f"10.0.1.{i}").status_code == 302
    refused = client.post(reverse("password_reset"), {"email": "alice@example.test"}, REMOTE_ADDR="10.0.1.9")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert len(mail.outbox) == 3


def test_password_reset_requests_are_limited_per_address(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset_ip": "2/hour"}
    for i in range(2):
        assert client.post(reverse("password_reset"), {"email": f"n{i}@example.test"}).status_code == 302
    assert client.post(reverse("password_reset"), {"email": "n9@example.test"}).status_code == 429


def test_the_api_answers_429_with_retry_after_per_token(world, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": "3/minute"}
    alice, bob = APIClient(), APIClient()
    alice.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(world.alice)}")
    bob.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(world.bob)}")
    for _ in range(3):
        assert alice.get("/api/v1/reports/").status_code == 200
    refused = alice.get("/api/v1/reports/")
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert bob.get("/api/v1/reports/").status_code == 200  # another token has its own count


def test_filing_reports_is_limited_form_and_api_together(world, settings, client):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report_filing": "1/hour"}
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(world.alice)}")
    first = api.post("/api/v1/reports/", {}, format="json")
    assert first.status_code == 400  # counted, though refused for its content
    again = api.post("/api/v1/reports/", {}, format="json")
    assert again.status_code == 429 and int(again["Retry-After"]) > 0
    assert api.get("/api/v1/reports/").status_code == 200  # reading is not filing
    client.force_login(world.alice)
    form = client.post(reverse("reporters:report_form", args=["trademark"]), {"explanation": "x"})
    assert form.status_code == 429
    draft = client.post(reverse("reporters:report_form", args=["trademark"]), {"action": "draft"})
    assert draft.status_code != 429  # saving a draft is not filing


def test_uploads_are_limited_per_user(world, settings, client):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "uploads": "2/hour"}
    client.force_login(world.alice)
    url = reverse("reporters:report_form", args=["trademark"])
    for _ in range(2):
        response = client.post(url, {"action": "draft", "evidence_upload": SimpleUploadedFile("a.txt", b"hello")})
        assert response.status_code != 429
    refused = client.post(url, {"action": "draft", "evidence_upload": SimpleUploadedFile("a.txt", b"hello")})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    client.force_login(world.bob)
    other = client.post(url, {"action": "draft", "evidence_upload": SimpleUploadedFile("a.txt", b"x")})
    assert other.status_code != 429


def test_a_form_sent_without_a_file_is_not_an_upload(world, settings, client):
    # The report form is multipart: fixing a typo without picking a file must not use up the
    # uploads limit (tests/common/test_upload_limit.py: what a form over it answers).
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "uploads": "1/hour"}
    client.force_login(world.alice)
    url = reverse("reporters:report_form", args=["trademark"])
    for _ in range(3):
        response = client.post(url, {"explanation": "x"})  # the test client posts multipart/form-data
        assert response.status_code != 429
    assert client.post(url, {"action": "draft", "evidence_upload": SimpleUploadedFile("a.txt", b"hi")}
                       ).status_code != 429


@pytest.mark.parametrize("rate, expected", [("120/hour", (120, 3600)), ("30/10minute", (30, 600)),
                                            ("5/second", (5, 1)), ("2/days", (2, 86400))])
def test_rates_are_read_from_settings_strings(rate, expected):
    assert rate_parse(rate) == expected


def test_a_malformed_rate_is_refused_with_its_text():
    with pytest.raises(ValueError, match="12 per hour"):
        rate_parse("12 per hour")
