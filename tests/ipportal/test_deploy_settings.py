"""Safe by default in production: DEBUG off unless asked for, `check --deploy` clean with the
documented production settings, HSTS and secure cookies, an idle timeout for staff sessions, and a
Content-Security-Policy without 'unsafe-inline' on every main page, whose HTML has no inline script
or style attribute."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]
# docs/operations.md "Production settings": what a production start sets.
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k3y-for-the-deploy-check-only-" + "x7Qp9vLm2Rt8" * 4,
    "ALLOWED_HOSTS": "portal.example.com",
    "SITE_URL": "https://portal.example.com",
    "CERTIFICATES_LOG_KEY": "oUPv8HBNe6iG2lbPUDfMjW1LuYy0Ld0eaH2HCnIGi/I=",
    "AUDIT_SIGNING_KEY": "audit-signing-key-for-the-deploy-check-only",
}


def _run(code_or_args, env_extra, drop=("DEBUG",)):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_extra)
    return subprocess.run([sys.executable, *code_or_args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_check_deploy_is_clean_with_the_documented_production_settings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_debug_is_on_in_production():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], {**PRODUCTION_ENV, "DEBUG": "1"})
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr  # DEBUG on


def test_debug_is_off_and_https_on_when_nothing_is_set():
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='ipportal.settings'; django.setup();"
            "from django.conf import settings as s;"
            "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
            " s.SECURE_HSTS_SECONDS, s.WEBHOOK_ALLOW_HTTP)")
    result = _run(["-c", code], {"SECRET_KEY": PRODUCTION_ENV["SECRET_KEY"]})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "31536000", "False"]


def test_the_development_secret_key_is_refused_when_debug_is_off():
    result = _run(["-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='ipportal.settings'; django.setup()"],
                  {}, drop=("DEBUG", "SECRET_KEY"))
    assert result.returncode != 0
    assert "Set SECRET_KEY when DEBUG is off" in result.stderr


def _main_pages(world):
    brand = world.brand_a.pk
    return {
        None: [reverse("login"), reverse("password_reset"), reverse("transparency:report"),
               reverse("certificates:verify_file"), reverse("api_docs")],
        world.alice: [reverse("home"), reverse("reporters:report_list"), reverse("reporters:report_new"),
                      reverse("registry:brand_list"), reverse("registry:rules_edit", args=[brand]),
                      reverse("certificates:certificate_list"), reverse("api_token"),
                      reverse("reporters:reporter_standing")],
        world.rev1: [reverse("review:queue"), reverse("review:queue_health"), reverse("registry:verification_queue"),
                     reverse("actions:ops"), reverse("transparency:statements")],
        world.senior: [reverse("appeals:appeal_list"), reverse("suspensions:suspension_list"),
                       reverse("review:sanction_list")],
        world.sam: [reverse("sellers:seller_center"), reverse("sellers:notice_list"), reverse("sellers:seller_help")],
    }


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER_OR_STYLE = re.compile(r"<[^>]+\s(on[a-z]+|style)\s*=", re.I)


def test_every_main_page_has_a_strict_csp_and_no_inline_script(client, world, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    checked = 0
    for user, urls in _main_pages(world).items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            policy = response.headers.get("Content-Security-Policy", "")
            assert "script-src 'self'" in policy and "style-src 'self'" in policy, url
            assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
            assert "frame-ancestors 'none'" in policy, url
            html = response.content.decode()
            assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group(0))
            assert not HANDLER_OR_STYLE.search(html), (url, HANDLER_OR_STYLE.search(html).group(0))
            checked += 1
    assert checked == 24


def test_the_api_answers_carry_the_policy_too(client, world):
    client.force_login(world.alice)
    response = client.get("/api/v1/reports/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("who, logged_out", [("rev1", True), ("senior", True), ("alice", False)])
def test_staff_sessions_end_after_thirty_idle_minutes(client, world, settings, who, logged_out):
    settings.OTP_REQUIRED_FOR_STAFF = False
    assert settings.STAFF_SESSION_IDLE_SECONDS == 30 * 60
    user = getattr(world, who)
    client.force_login(user)
    page = reverse("review:queue") if user.is_reviewer else reverse("reporters:report_list")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert client.get(page).status_code == 200
        clock.move_to(start + timedelta(minutes=25))
        assert client.get(page).status_code == 200  # a request within the limit keeps the session
        clock.move_to(start + timedelta(minutes=25 + 31))
        response = client.get(page)
    if logged_out:
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("argv, expected", [(["manage.py", "runserver"], "0"), (["gunicorn"], "60")])
def test_the_development_server_keeps_no_connection_per_thread(argv, expected):
    """make run with DATABASE_URL: runserver's thread per request must not keep a PostgreSQL
    connection each (a burst used up max_connections)."""
    code = (f"import sys; sys.argv={argv!r}; import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
            "'ipportal.settings'; django.setup(); from django.conf import settings as s;"
            "print(s.DATABASES['default']['CONN_MAX_AGE'])")
    result = _run(["-c", code], {"DEBUG": "1", "DATABASE_URL": "postgres://u@127.0.0.1:5432/x"},
                  drop=("DB_CONN_MAX_AGE",))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
