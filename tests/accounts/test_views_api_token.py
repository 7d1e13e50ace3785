"""The API token page: rights holders (reporting API) and the marketplace's service account (listing
ingest, webhook endpoints) create, rotate and revoke their own token; the key is shown once."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken, Role
from audit.models import AuditEntry

from ..factories import UserFactory

ENDPOINTS = "/api/v1/webhooks/endpoints/"


@pytest.fixture
def market(db):
    return UserFactory(username="market", role=Role.MARKETPLACE)


def _api(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def _shown_key(html: str) -> str:
    return re.search(r'data-testid="api-token">([0-9a-f]{40})<', html).group(1)


def test_the_marketplace_creates_its_token_and_sees_it_once(market, client):
    client.force_login(market)
    page = client.get(reverse("api_token"))
    assert page.status_code == 200
    assert "pushing listings and managing webhook endpoints" in page.content.decode()
    html = client.post(reverse("api_token"), {"action": "create"}).content.decode()
    key = _shown_key(html)
    assert key in html
    assert key not in client.get(reverse("api_token")).content.decode()
    assert _api(key).get(ENDPOINTS).status_code == 200
    assert AuditEntry.objects.filter(action="api_token.created", actor=market).count() == 1


def test_the_marketplace_rotates_its_token_and_the_old_one_stops_working(market, client):
    client.force_login(market)
    old = _shown_key(client.post(reverse("api_token"), {"action": "create"}).content.decode())
    new = _shown_key(client.post(reverse("api_token"), {"action": "create"}).content.decode())
    assert new != old
    assert _api(old).get(ENDPOINTS).status_code == 401
    assert _api(new).get(ENDPOINTS).status_code == 200


def test_the_marketplace_revokes_its_token(market, client):
    client.force_login(market)
    key = _shown_key(client.post(reverse("api_token"), {"action": "create"}).content.decode())
    response = client.post(reverse("api_token"), {"action": "revoke"})
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=market, revoked_at__isnull=True).exists()
    assert _api(key).get(ENDPOINTS).status_code == 401
    assert AuditEntry.objects.filter(action="api_token.revoked", actor=market).count() == 1


def test_the_marketplace_home_links_to_the_token_page(market, client):
    client.force_login(market)
    assert reverse("api_token") in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("persona", ["rev1", "senior", "sam", "outsider"])
def test_other_roles_are_refused_and_get_no_token(world, client, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("api_token")).status_code == 403
    assert client.post(reverse("api_token"), {"action": "create"}).status_code == 403
    assert not ApiToken.objects.filter(user=getattr(world, persona)).exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.post(reverse("api_token"), {"action": "create"})
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_refuses_other_methods(market, client):
    client.force_login(market)
    assert client.put(reverse("api_token")).status_code == 405
