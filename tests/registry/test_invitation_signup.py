"""An invitation to an address without an account creates the account from the link."""

import re

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from accounts.models import Role, User
from registry.models import BrandInvitation, BrandMember
from registry.services import brand_member_invite

from ..factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORDS = {"name": "Gina Agent", "password1": "lamp-Aurora-2031", "password2": "lamp-Aurora-2031"}


def _invite(world, email="gina@example.test", role="agent") -> str:
    with TestCase.captureOnCommitCallbacks(execute=True):
        brand_member_invite(brand=world.brand_a, by=world.alice, email=email, role=role)
    assert "create your account" in mail.outbox[-1].body
    return re.search(r"(/registry/invitations/[^\s]+)", mail.outbox[-1].body).group(1)


def test_the_link_creates_the_account_and_joins_the_brand(world, client):
    link = _invite(world)
    page = client.get(link)
    assert page.status_code == 200 and "gina@example.test" in page.content.decode()
    resp = client.post(link, PASSWORDS)
    assert resp["Location"] == reverse("registry:brand_detail", args=[world.brand_a.pk])
    gina = User.objects.get(username="gina@example.test")
    assert (gina.is_active, gina.role, gina.email) == (True, Role.RIGHTS_HOLDER, "gina@example.test")
    assert BrandMember.objects.get(brand=world.brand_a, user=gina).role == "agent"
    assert client.get(reverse("registry:brand_detail", args=[world.brand_a.pk])).status_code == 200  # logged in
    client.logout()
    assert client.post(link, PASSWORDS)["Location"].startswith(reverse("login"))  # used: log in instead
    assert User.objects.filter(email="gina@example.test").count() == 1


def test_an_address_with_an_account_is_asked_to_log_in(world, client):
    link = _invite(world, email="hal@example.test")
    UserFactory(username="hal", email="hal@example.test")
    body = client.get(link).content.decode()
    assert "already has an account" in body and f"?next={link}" in body
    client.post(link, PASSWORDS)
    assert not User.objects.filter(username="hal@example.test").exists()
    assert BrandInvitation.objects.get(email="hal@example.test").accepted_at is None


def test_bad_passwords_keep_the_name_and_create_nothing(world, client):
    link = _invite(world)
    resp = client.post(link, {**PASSWORDS, "password2": "other-Pass-2044"})
    assert resp.status_code == 400 and 'value="Gina Agent"' in resp.content.decode()
    assert not User.objects.filter(username="gina@example.test").exists()


def test_a_made_up_link_is_a_404(client, db):
    assert client.get("/registry/invitations/not-a-token/").status_code == 404
