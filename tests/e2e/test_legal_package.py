"""Legal action through the pages: a brand admin records a counterfeit test buy with photos, a
reviewer builds the seller's evidence package from the dossier, downloads it, and the shipped
checker verifies every file hash, the manifest's signature and the audit entries; one changed
byte makes the checker name the file."""

import base64
import io
import json
import re
import zipfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from playwright.sync_api import expect

from certificates.logkey import raw_private, raw_public
from legal.checker import package_verify
from listings.models import Listing
from tests.evidence.samples import image
from tests.legal.conftest import flip, member_spans

from .test_full_flow import Sessions

pytestmark = pytest.mark.browser

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(2, 34)))
PUBLIC_KEY = base64.b64encode(raw_public(KEY.public_key())).decode()
LISTING = "L-000105"


def test_test_buy_then_seller_package_verified_offline(browser, live_server, shot, settings, tmp_path):
    settings.CERTIFICATES_LOG_KEY = base64.b64encode(raw_private(KEY)).decode()
    call_command("seed_demo", stdout=io.StringIO())
    seller = Listing.objects.select_related("seller").get(external_id=LISTING).seller
    photo_item, photo_box = tmp_path / "item.png", tmp_path / "box.jpg"
    photo_item.write_bytes(image("PNG"))
    photo_box.write_bytes(image("JPEG"))
    people = Sessions(browser, live_server.url)

    # 1. rights1 (Acme Audio's admin) records a counterfeit test buy.
    page = people.page("rights1")
    page.goto(f"/legal/test-buys/new/?listing={LISTING}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a test buy")
    page.get_by_label("For brand").select_option(label="Acme Audio")
    page.get_by_label("Order reference").fill("AMZ-114-2026")
    page.get_by_label("Purchased on").fill("2026-11-20")
    page.get_by_label("Price paid").fill("9.99")
    page.get_by_label("Delivered to").fill("Acme Audio legal dept., 1 Main St")
    page.get_by_label("Verdict").select_option(label="Counterfeit")
    page.get_by_label("Examined by").fill("Acme Labs, J. Smith")
    page.get_by_label("Chain of custody").fill("Received sealed 2026-11-22; bag #4 in the legal safe.")
    page.get_by_label("Photos of the item").set_input_files(str(photo_item))
    page.get_by_label("Photos of the packaging").set_input_files(str(photo_box))
    page.get_by_role("button", name="Record test buy").click()
    expect(page.get_by_test_id("test-buy-verdict")).to_have_text("Counterfeit")
    expect(page.get_by_test_id("test-buy-photos").get_by_role("img")).to_have_count(2)
    buy_ref = re.search(r"TB-\d+", page.get_by_role("heading", level=1).inner_text()).group(0)
    shot(page, "legal-1-test-buy")
    page.close()

    # 2. reviewer1 opens the seller's dossier, sees the test buy, builds the seller's package.
    page = people.page("reviewer1")
    page.goto(f"/legal/sellers/{seller.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(seller.name)
    expect(page.get_by_test_id("dossier-test-buys")).to_contain_text(buy_ref)
    expect(page.get_by_test_id("dossier-chart").locator("svg")).to_be_visible()
    shot(page, "legal-2-dossier")
    page.get_by_role("button", name="Build evidence package of this seller").click()
    progress = page.get_by_test_id("package-progress")
    expect(progress).to_contain_text("Ready", timeout=60_000)
    sha256 = page.get_by_test_id("package-sha256").inner_text()
    shot(page, "legal-3-package")
    with page.expect_download() as info:
        page.get_by_test_id("package-download").click()
    path = tmp_path / "package.zip"
    info.value.save_as(path)
    page.close()

    # 3. the checker shipped inside the package verifies it offline with the pinned key.
    import hashlib

    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    with zipfile.ZipFile(path) as zf:
        (tmp_path / "verify_package.py").write_bytes(zf.read("verify_package.py"))
        buys = [json.loads(line) for line in zf.read("test_buys/test_buys.jsonl").decode().splitlines()]
        manifest = json.loads(zf.read("manifest.json"))
    assert [b["reference"] for b in buys] == [buy_ref] and buys[0]["verdict"] == "counterfeit"
    assert manifest["counts"]["cases"] == seller_cases(seller)
    import subprocess
    import sys

    ok = subprocess.run([sys.executable, str(tmp_path / "verify_package.py"), str(path), "--public-key", PUBLIC_KEY],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "signature valid" in ok.stdout and re.search(r"[1-9]\d* audit entries match", ok.stdout)
    problems, counts = package_verify(str(path), PUBLIC_KEY)
    assert problems == [] and counts["files"] == len(manifest["files"])

    # 4. one changed byte in a test-buy photo: the checker names that file.
    photo = next(n for n in member_spans(path) if n.startswith(f"test_buys/{buy_ref}/item-"))
    first, last = member_spans(path)[photo]
    changed = tmp_path / "changed.zip"
    flip(path, (first + last) // 2, changed)
    bad = subprocess.run([sys.executable, str(tmp_path / "verify_package.py"), str(changed), "--public-key",
                          PUBLIC_KEY], capture_output=True, text=True)
    assert bad.returncode == 1
    assert f"FAIL {photo}:" in bad.stdout


def seller_cases(seller) -> int:
    from complaints.models import Case

    return Case.objects.filter(listing__seller=seller).count()
