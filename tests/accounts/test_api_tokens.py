"""API tokens are stored hashed, expire, can be revoked, and admin shows only their prefix."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import api_token_create

pytestmark = pytest.mark.django_db


def _api(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_only_the_hash_is_stored(world):
    issued = api_token_create(user=world.alice)
    row = ApiToken.objects.get(pk=issued.token.pk)
    assert row.key_hash == hashlib.sha256(issued.key.encode()).hexdigest()
    assert issued.key not in str(ApiToken.objects.filter(pk=row.pk).values().get())
    assert row.prefix == issued.key[:6]


def test_a_token_expires(world, settings):
    issued = api_token_create(user=world.alice)
    assert issued.token.expires_at - timezone.now() > timedelta(days=settings.API_TOKEN_DAYS - 1)
    assert _api(issued.key).get("/api/v1/reports/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=settings.API_TOKEN_DAYS, minutes=1)):
        refused = _api(issued.key).get("/api/v1/reports/")
    assert refused.status_code == 401 and "expired" in refused.json()["detail"]


def test_the_page_says_when_a_token_expired(world, client, settings):
    settings.API_TOKEN_DAYS = 1  # within the session's life
    api_token_create(user=world.alice)
    client.force_login(world.alice)
    with time_machine.travel(timezone.now() + timedelta(days=settings.API_TOKEN_DAYS + 1)):
        assert "expired on" in client.get(reverse("api_token")).content.decode()


def test_admin_shows_the_prefix_only_and_revokes(world, client):
    from ..factories import UserFactory

    issued = api_token_create(user=world.alice)
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    page = client.get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    assert issued.key[:6] in page and issued.key not in page
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 404  # DRF's clear-key admin is gone
    client.post(reverse("admin:accounts_apitoken_changelist"),
                {"action": "revoke", "_selected_action": [issued.token.pk]})
    assert _api(issued.key).get("/api/v1/reports/").status_code == 401


def test_the_migration_hashes_existing_keys():
    """accounts 0003 turns a DRF token into a hashed one that keeps working."""
    import importlib

    from django.apps import apps
    from rest_framework.authtoken.models import Token

    from ..factories import UserFactory

    user = UserFactory(username="old", role="marketplace")
    key = Token.objects.create(user=user).key
    importlib.import_module("accounts.migrations.0003_hash_existing_api_tokens").hash_tokens(apps, None)
    assert not Token.objects.exists()
    assert _api(key).get("/api/v1/webhooks/endpoints/").status_code == 200
