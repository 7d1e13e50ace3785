"""Browser test: a reviewer's first login enrols an authenticator app (TOTP), and the next login
asks for its code before the review queue opens."""

import time

import pyotp
import pytest
from playwright.sync_api import expect

from accounts.models import Role

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def _password_step(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_reviewer_enrols_in_totp_and_logs_in_with_it(browser, live_server, settings, shot):
    settings.OTP_REQUIRED_FOR_STAFF = True
    UserFactory(username="rev1", role=Role.REVIEWER)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()

    _password_step(page, "rev1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    expect(page.get_by_test_id("totp-qr").locator("svg")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.goto("/review/")  # any page brings the reviewer back here until enrolled
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    shot(page, "2fa-recovery-codes")
    page.get_by_role("link", name="Continue").click()  # on to the page asked for
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")

    page.get_by_role("button", name="Log out").click()
    _password_step(page, "rev1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your code")
    page.get_by_label("Code").fill("123456" if pyotp.TOTP(secret).now() != "123456" else "654321")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".errorlist")).to_contain_text("not accepted")
    # The enrolment's code is spent; the next 30-second step's code is within the accepted drift.
    time.sleep(1.5)  # django-otp's throttle after one wrong code (1 s)
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_test_id("whoami")).to_contain_text("rev1")
    page.goto("/review/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    context.close()
