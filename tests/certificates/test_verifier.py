"""The shipped verifier (tools/verify_certificate.py): standard library plus `cryptography`, checking
receipts and consistency across tree sizes, offline and against a running portal."""

import ast
import base64
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from certificates.models import Certificate
from tests.certificates.conftest import TEST_KEY, register
from tests.certificates.samples import png

TOOL = Path(__file__).resolve().parents[2] / "tools" / "verify_certificate.py"
PUBLIC = base64.b64encode(TEST_KEY.public_key().public_bytes_raw()).decode()


def load_tool():
    spec = importlib.util.spec_from_file_location("verify_certificate", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_imports_only_the_standard_library_and_cryptography():
    tree = ast.parse(TOOL.read_text())
    roots = {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    roots |= {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert roots - {"cryptography"} <= set(sys.stdlib_module_names)


@pytest.fixture
def log(world, tmp_path):
    """Seven certificates; the files a holder keeps offline for three of them, and the latest head."""
    certs = [register(world, png(i), title=f"Work {i}") for i in range(7)]
    client = Client()
    sth = client.get("/api/v1/log/sth/").json()
    (tmp_path / "sth.json").write_text(json.dumps(sth))
    for c in certs:
        body = client.get(f"/api/v1/certificates/{c.public_id}/").json()
        (tmp_path / f"{c.leaf_index}.json").write_text(json.dumps(body))
        size = body["receipt"]["tree_size"]
        proof = client.get(f"/api/v1/log/consistency/?first={size}&second={sth['tree_size']}").json()
        (tmp_path / f"{c.leaf_index}.consistency.json").write_text(json.dumps(proof))
    return certs


@pytest.mark.django_db
@pytest.mark.parametrize("leaf", [0, 2, 3, 6])  # receipts of tree sizes 1, 3, 4 and 7, each against size 7
def test_it_accepts_a_genuine_receipt_consistent_with_the_latest_head(log, tmp_path, capsys, leaf):
    tool = load_tool()
    code = tool.main([str(tmp_path / f"{leaf}.json"), "--public-key", PUBLIC, "--sth", str(tmp_path / "sth.json"),
                      "--consistency", str(tmp_path / f"{leaf}.consistency.json")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.count("OK  ") == 5 and "FAIL" not in out and f"tree {leaf + 1} is a prefix of tree 7" in out


@pytest.mark.django_db
def test_it_checks_the_work_file(log, tmp_path, capsys):
    (tmp_path / "work.png").write_bytes(png(2))
    (tmp_path / "other.png").write_bytes(png(3))
    tool = load_tool()
    assert tool.main([str(tmp_path / "2.json"), "--public-key", PUBLIC, "--file", str(tmp_path / "work.png")]) == 0
    assert tool.main([str(tmp_path / "2.json"), "--public-key", PUBLIC, "--file", str(tmp_path / "other.png")]) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("tamper", ["title", "leaf_index", "signature", "proof", "other_key", "consistency"])
def test_it_rejects_a_tampered_receipt(log, tmp_path, capsys, tamper):
    path = tmp_path / "3.json"
    cert = json.loads(path.read_text())
    key = PUBLIC
    consistency = tmp_path / "3.consistency.json"
    if tamper == "title":
        cert["entry"]["title"] = "Someone else's"
    elif tamper == "leaf_index":
        cert["leaf_index"] = 2
    elif tamper == "signature":
        cert["receipt"]["timestamp"] += 1
    elif tamper == "proof":
        cert["receipt"]["hashes"][0] = base64.b64encode(b"\x00" * 32).decode()
    elif tamper == "other_key":
        key = base64.b64encode(b"\x01" * 32).decode()
    else:
        proof = json.loads(consistency.read_text())
        proof["hashes"][0] = base64.b64encode(b"\x00" * 32).decode()
        consistency.write_text(json.dumps(proof))
    path.write_text(json.dumps(cert))
    code = load_tool().main([str(path), "--public-key", key, "--sth", str(tmp_path / "sth.json"),
                             "--consistency", str(consistency)])
    assert code == 1 and "FAIL" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_it_verifies_against_a_running_portal(world, live_server, tmp_path):
    certs = [register(world, png(i), title=f"Work {i}") for i in range(3)]
    (tmp_path / "work.png").write_bytes(png(0))
    for cert in (certs[0], certs[2]):
        done = subprocess.run([sys.executable, str(TOOL), "--portal", live_server.url, cert.public_id,
                               "--public-key", PUBLIC, "--file", str(tmp_path / "work.png")],
                              capture_output=True, text=True, timeout=60)
        if cert is certs[0]:
            assert done.returncode == 0, done.stdout + done.stderr
            assert "tree 1 is a prefix of tree 3" in done.stdout
        else:
            assert done.returncode == 1 and "FAIL the file is the certified work" in done.stdout
    assert Certificate.objects.count() == 3
