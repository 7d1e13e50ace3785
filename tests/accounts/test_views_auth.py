import re

import pytest
from django.core import mail
from django.urls import reverse

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_a_person_logs_in_and_lands_on_the_home_page(client):
    UserFactory(username="alice", role="rights_holder")
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Report infringing listings" in response.content.decode()


def test_a_wrong_password_keeps_the_username_and_says_what_is_wrong(client):
    UserFactory(username="alice")
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please enter a correct username and password" in html
    assert 'value="alice"' in html


def test_logout_is_a_post_and_ends_the_session(client):
    user = UserFactory(username="alice")
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert "Sign up as a rights holder" in client.get(reverse("home")).content.decode()  # the front door again


def test_password_reset_mails_a_link_that_sets_a_new_password(client):
    UserFactory(username="alice", email="alice@example.test")
    response = client.post(reverse("password_reset"), {"email": "alice@example.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.test"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session and redirects
    response = client.post(form_url, {"new_password1": "a-new-pass-2026!", "new_password2": "a-new-pass-2026!"})
    assert response.status_code == 302
    assert client.login(username="alice", password="a-new-pass-2026!")


def test_password_reset_for_an_unknown_email_says_the_same_and_sends_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.test"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []
