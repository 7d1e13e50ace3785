"""sor_export writes JSON lines; staff download the same; the API pages them for the marketplace's
token and reviewers."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.tokens import api_token_create
from registry.models import RightKind

from ..factories import UserFactory
from .helpers import REMOVE, decided
from .tdb_rules import validate_statement

pytestmark = pytest.mark.django_db
API = "/api/v1/transparency/statements/"


@pytest.fixture
def three(world, django_capture_on_commit_callbacks):
    return [decided(world, django_capture_on_commit_callbacks, kind=k, code=REMOVE[k])
            for k in (RightKind.TRADEMARK, RightKind.COPYRIGHT, RightKind.PATENT)]


def test_sor_export_writes_one_valid_statement_per_line_in_the_window(three, tmp_path):
    out = tmp_path / "sor.jsonl"
    call_command("sor_export", "--since", "2020-01-01", "--out", str(out), stderr=io.StringIO())
    lines = out.read_text().splitlines()
    assert len(lines) == 3
    statements = [json.loads(line) for line in lines]
    assert [validate_statement(s) for s in statements] == [{}, {}, {}]
    assert [s["puid"] for s in statements] == [f"ipportal-r{r.pk}" for r in three]


def test_sor_export_until_excludes_what_came_after(three, tmp_path):
    out = tmp_path / "none.jsonl"
    call_command("sor_export", "--since", "2020-01-01", "--until", "2020-02-01", "--out", str(out),
                 stderr=io.StringIO())
    assert out.read_text() == ""


def test_staff_download_the_same_lines(world, three, client):
    client.force_login(world.rev1)
    response = client.get(reverse("transparency:statements_download"), {"since": "2020-01-01"})
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [json.loads(line)["puid"] for line in lines] == [f"ipportal-r{r.pk}" for r in three]


@pytest.mark.parametrize("who", ["alice", "sam", "outsider"])
def test_only_reviewers_download_or_see_submissions(world, three, client, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("transparency:statements_download")).status_code == 403
    assert client.get(reverse("transparency:statements")).status_code == 403


def test_the_staff_page_needs_a_login(client):
    response = client.get(reverse("transparency:statements"))
    assert response.status_code == 302


def test_the_api_pages_statements_for_the_marketplace_token(world, three):
    market = UserFactory(username="market", role=Role.MARKETPLACE)
    token = api_token_create(user=market)
    c = Client()
    first = c.get(API, {"page_size": 2}, HTTP_AUTHORIZATION=f"Token {token.key}").json()
    assert first["count"] == 3
    assert len(first["results"]) == 2
    second = c.get(first["next"], HTTP_AUTHORIZATION=f"Token {token.key}").json()
    items = first["results"] + second["results"]
    assert [i["puid"] for i in items] == [f"ipportal-r{r.pk}" for r in three]
    assert all(validate_statement(i["statement"]) == {} for i in items)
    assert items[0]["submission_status"] == "pending"


def test_the_api_lets_reviewers_in_and_filters_by_date(world, three, client):
    client.force_login(world.rev1)
    assert client.get(API).json()["count"] == 3
    assert client.get(API, {"until": "2020-01-01"}).json()["count"] == 0
    assert client.get(API, {"since": "soon"}).status_code == 400


def test_the_api_refuses_others(world, three, client):
    assert Client().get(API).status_code == 401
    token = api_token_create(user=world.alice)
    assert Client().get(API, HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 403


def test_the_api_is_read_only(world, client):
    client.force_login(world.rev1)
    assert client.post(API, {}).status_code == 405
