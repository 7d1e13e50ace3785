import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.test import Client
from rest_framework.test import APIClient

from certificates import merkle
from certificates.canonical import canonical_json
from certificates.models import Certificate, TreeHead
from tests.certificates.conftest import as_file
from tests.certificates.samples import edits, encode, picture, png, text

from ..factories import api_key_for

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


def post_work(client, data: bytes, name="work.png", **fields):
    body = {"file": as_file(data, name), "title": "Harbour at dusk", "work_type": "image", **fields}
    return client.post("/api/v1/works/", body, format="multipart")


def b64d(s: str) -> bytes:
    return base64.b64decode(s)


def test_it_registers_a_work_by_token_and_returns_a_verifiable_certificate(world):
    r = post_work(api(world.alice), png(1))
    assert r.status_code == 201, r.content
    c = r.json()["certificate"]
    assert set(c) == {"id", "entry", "leaf_index", "receipt"}
    assert set(c["entry"]) == {"v", "certificate_id", "work_sha256", "perceptual_hash", "work_type", "title",
                               "owner", "registered_at"}
    receipt = c["receipt"]
    assert set(receipt) == {"tree_size", "root_hash", "timestamp", "signature", "hashes"}
    key = b64d(api().get("/api/v1/log/key/").json()["public_key"])
    sth = {k: receipt[k] for k in ("tree_size", "root_hash", "timestamp")}
    Ed25519PublicKey.from_public_bytes(key).verify(b64d(receipt["signature"]), canonical_json(sth))
    assert merkle.verify_inclusion(leaf_index=c["leaf_index"], tree_size=receipt["tree_size"],
                                   leaf=merkle.leaf_hash(canonical_json(c["entry"])),
                                   proof=[b64d(h) for h in receipt["hashes"]], root=b64d(receipt["root_hash"]))


def test_session_posts_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice)
    r = client.post("/api/v1/works/", {"file": as_file(png(1), "a.png"), "title": "T", "work_type": "image"})
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    client.get("/certificates/new/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    r = client.post("/api/v1/works/", {"file": as_file(png(1), "a.png"), "title": "T", "work_type": "image"},
                    HTTP_X_CSRFTOKEN=token)
    assert r.status_code == 201, r.content


def test_anonymous_and_non_rights_holders_cannot_register(world):
    assert post_work(api(), png(1)).status_code in (401, 403)
    assert post_work(api(world.sam), png(1)).status_code == 403
    assert not Certificate.objects.exists()


def test_an_exact_copy_is_a_409_naming_the_certificate(world):
    first = post_work(api(world.alice), png(1)).json()["certificate"]
    r = post_work(api(world.bob), png(1))
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "duplicate" and body["certificate_id"] == first["id"]
    assert body["certificate_url"].endswith(f"/certificates/{first['id']}/")
    assert "alice" not in json.dumps(body) and "Alice Example" not in json.dumps(body)


def test_a_resized_copy_is_a_409_near_duplicate_with_its_distance(world):
    first = post_work(api(world.alice), png(2)).json()["certificate"]
    copy = encode(edits(picture(2))["resized_50"], "JPEG", quality=80)
    r = post_work(api(world.bob), copy, name="copy.jpg")
    assert r.status_code == 409
    assert r.json()["code"] == "near_duplicate" and r.json()["certificate_id"] == first["id"]
    assert 0 <= r.json()["distance"] <= 10


def test_the_gets_are_public(world):
    c = post_work(api(world.alice), png(1)).json()["certificate"]
    anon = Client()
    assert anon.get(f"/api/v1/certificates/{c['id']}/").json() == c
    assert anon.get("/api/v1/log/sth/").json()["tree_size"] == 1
    assert anon.get("/api/v1/log/key/").json()["algorithm"] == "Ed25519"
    assert anon.get("/api/v1/log/proof/?leaf_index=0&tree_size=1").json() == {"hashes": []}
    assert anon.get("/api/v1/log/consistency/?first=1&second=1").json() == {"hashes": []}
    assert anon.get("/api/v1/certificates/IPC-NOSUCH/").status_code == 404


def test_proofs_verify_across_sizes(world):
    client = api(world.alice)
    certs = [post_work(client, png(i), title=f"W{i}").json()["certificate"] for i in range(6)]
    heads = {h.tree_size: h for h in TreeHead.objects.all()}
    for first in range(1, 6):
        r = api().get(f"/api/v1/log/consistency/?first={first}&second=6").json()
        assert merkle.verify_consistency(first=first, second=6, first_root=bytes(heads[first].root_hash),
                                         second_root=bytes(heads[6].root_hash), proof=[b64d(h) for h in r["hashes"]])
    for c in certs:
        r = api().get(f"/api/v1/log/proof/?leaf_index={c['leaf_index']}&tree_size=6").json()
        assert merkle.verify_inclusion(leaf_index=c["leaf_index"], tree_size=6,
                                       leaf=merkle.leaf_hash(canonical_json(c["entry"])),
                                       proof=[b64d(h) for h in r["hashes"]], root=bytes(heads[6].root_hash))


@pytest.mark.parametrize("query", [
    "leaf_index=0&tree_size=5",  # beyond the tree
    "leaf_index=3&tree_size=2",  # forged leaf_index: not in that tree
    "leaf_index=-1&tree_size=1",
    "leaf_index=abc&tree_size=1",
    "leaf_index=0",
    "leaf_index=99999999999999999999999&tree_size=1",
])
def test_bad_proof_requests_are_400_with_the_reason(world, query):
    for i in range(2):
        post_work(api(world.alice), png(i), title=f"W{i}")
    r = api().get(f"/api/v1/log/proof/?{query}")
    assert r.status_code == 400 and r.json()


@pytest.mark.parametrize("query", ["first=1&second=9", "first=0&second=2", "first=3&second=2", "first=x&second=2"])
def test_bad_consistency_requests_are_400(world, query):
    for i in range(2):
        post_work(api(world.alice), png(i), title=f"W{i}")
    assert api().get(f"/api/v1/log/consistency/?{query}").status_code == 400


def test_the_sth_of_an_empty_log_is_a_404(db):
    assert api().get("/api/v1/log/sth/").status_code == 404


def test_posting_to_a_read_endpoint_is_405(world):
    assert api(world.alice).post("/api/v1/log/sth/").status_code in (403, 405)
    assert api(world.alice).get("/api/v1/works/").status_code == 405


def test_an_agent_of_two_brands_must_say_which(world):
    from tests.factories import BrandMemberFactory

    BrandMemberFactory(user=world.alice, brand=world.brand_b, role="agent")
    r = post_work(api(world.alice), png(1))
    assert r.status_code == 400 and "brand" in r.json()
    r = post_work(api(world.alice), png(1), brand=world.brand_b.pk)
    assert r.status_code == 201 and r.json()["certificate"]["entry"]["owner"] == "Borealis"


def test_a_brand_one_does_not_act_for_is_refused(world):
    r = post_work(api(world.alice), png(1), brand=world.brand_b.pk)
    assert r.status_code == 400 and not Certificate.objects.exists()


# Bad input: each a clear answer that changes nothing -------------------------------------------

BAD = {
    "html_disguised_as_png": (b"<html><script>alert(1)</script></html>", "evil.png", "image", "HTML"),
    "text_as_image": (text(1).encode(), "poem.png", "image", "image work must be"),
    "empty": (b"", "empty.png", "image", "empty"),
    "all_white": (encode(__import__("PIL.Image", fromlist=["Image"]).new("RGB", (300, 200), "white")),
                  "white.png", "image", "flat colour"),
    "short_text": (b"Just a few words here.", "short.txt", "text", "too short to fingerprint"),
    "zip": (b"PK\x03\x04" + b"\0" * 100, "work.png", "image", "archive"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_files_are_refused_with_the_reason_and_nothing_changes(world, case):
    data, name, work_type, words = BAD[case]
    r = post_work(api(world.alice), data, name=name, work_type=work_type)
    assert r.status_code == 400
    assert words in json.dumps(r.json()), r.json()
    assert not Certificate.objects.exists() and not TreeHead.objects.exists()


def test_a_file_over_the_limit_is_refused(world, settings):
    settings.CERTIFICATES_MAX_FILE_BYTES = 1000
    r = post_work(api(world.alice), png(1))
    assert r.status_code == 400 and "at most" in r.json()["file"][0]
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("title", ["<script>alert(1)</script>", "Nice <img src=x onerror=alert(1)>",
                                   "javascript:alert(1)", "x\u0000y", ""])
def test_a_title_with_script_is_refused(world, title):
    r = post_work(api(world.alice), png(1), title=title)
    assert r.status_code == 400 and "title" in r.json()
    assert not Certificate.objects.exists()


def test_an_installation_without_its_log_key_says_so_with_503_not_a_crash(db, settings, caplog):
    from certificates.logkey import _key_for

    settings.CERTIFICATES_LOG_KEY, settings.CERTIFICATES_EMBEDDED_KEY = "", False
    _key_for.cache_clear()
    try:
        answer = Client().get("/api/v1/log/key/")
    finally:
        _key_for.cache_clear()
    assert answer.status_code == 503
    assert "not configured" in answer.json()["detail"]
    assert "Set CERTIFICATES_LOG_KEY" in caplog.text
