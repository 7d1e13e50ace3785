"""Self-service sign-up of rights holders: the account works only once the e-mail is confirmed,
and the confirmation leads on to registering the brand."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role, User

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_wait(settings):
    settings.FORM_MIN_SECONDS = 0


def _signup(client, capture, **overrides):
    page = client.get(reverse("signup")).content.decode()
    data = {"name": "Rita Holder", "email": "Rita@Brand.test", "password1": "lamp-Aurora-2031",
            "password2": "lamp-Aurora-2031", "terms": "on", "website": "",
            "started": re.search(r'name="started" value="([^"]+)"', page).group(1)}
    data.update(overrides)
    with capture(execute=True):
        return client.post(reverse("signup"), data)


def _link(message) -> str:
    return re.search(r"http://\S+(/signup/verify/\S+/)", message.body).group(1)


def test_the_account_works_once_the_email_is_confirmed(client, django_capture_on_commit_callbacks):
    resp = _signup(client, django_capture_on_commit_callbacks)
    assert resp.status_code == 200 and "Check your e-mail" in resp.content.decode()
    user = User.objects.get(username="rita@brand.test")
    assert (user.is_active, user.role, user.first_name) == (False, Role.RIGHTS_HOLDER, "Rita")
    assert not client.login(username="rita@brand.test", password="lamp-Aurora-2031")

    link = _link(mail.outbox[-1])
    resp = client.get(link)
    assert resp.status_code == 302 and resp["Location"] == reverse("registry:brand_new")
    assert client.get(reverse("registry:brand_new")).status_code == 200  # logged in as the new account
    user.refresh_from_db()
    assert user.is_active
    assert client.get(link).status_code == 400  # once only


def test_signing_up_again_sends_a_new_link_and_kills_the_old(client, django_capture_on_commit_callbacks):
    _signup(client, django_capture_on_commit_callbacks)
    old = _link(mail.outbox[-1])
    _signup(client, django_capture_on_commit_callbacks, password1="other-Lamp-2032", password2="other-Lamp-2032")
    assert client.get(old).status_code == 400
    assert client.get(_link(mail.outbox[-1])).status_code == 302
    assert User.objects.filter(email="rita@brand.test").count() == 1


def test_an_address_with_an_account_is_refused_and_nothing_typed_is_lost(client, django_capture_on_commit_callbacks):
    UserFactory(username="rita", email="rita@brand.test")
    resp = _signup(client, django_capture_on_commit_callbacks)
    body = resp.content.decode()
    assert resp.status_code == 400 and "already exists" in body and 'value="Rita Holder"' in body
    assert not mail.outbox


def test_bad_passwords_name_the_field(client, django_capture_on_commit_callbacks):
    resp = _signup(client, django_capture_on_commit_callbacks, password2="different-Pass-1")
    assert resp.status_code == 400 and "The two passwords differ" in resp.content.decode()
    resp = _signup(client, django_capture_on_commit_callbacks, password1="12345678", password2="12345678")
    assert resp.status_code == 400 and "too common" in resp.content.decode()
    assert not User.objects.exists()


def test_bots_and_floods_are_refused(client, django_capture_on_commit_callbacks, settings):
    resp = _signup(client, django_capture_on_commit_callbacks, website="spam")
    assert resp.status_code == 400 and not User.objects.exists()
    for i in range(10):
        _signup(client, django_capture_on_commit_callbacks, email=f"p{i}@brand.test")
    resp = _signup(client, django_capture_on_commit_callbacks, email="late@brand.test")
    assert resp.status_code == 400 and "Too many sign-ups" in resp.content.decode()
    assert not User.objects.filter(email="late@brand.test").exists()


def test_a_forged_link_activates_nothing(client, django_capture_on_commit_callbacks):
    _signup(client, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[-1])
    assert client.get(link[:-4] + "abc/").status_code == 400
    assert client.get("/signup/verify/zzz/abc-def/").status_code == 400
    assert not User.objects.get(username="rita@brand.test").is_active


def test_a_logged_in_user_is_sent_home(client, world):
    client.force_login(world.alice)
    assert client.get(reverse("signup"))["Location"] == reverse("home")
