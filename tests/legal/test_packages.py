"""Evidence packages: what goes in, the signature, the shipped checker naming a changed file, and
who may ask for one."""

import json
import logging
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import PUBLIC_NOTIFIER
from audit.models import AuditEntry
from complaints.models import OpenNotice
from complaints.open_notices import open_notice_confirm
from legal.checker import package_verify
from legal.models import EvidencePackage, PackageDownload, PackageScope, PackageStatus
from legal.packages import package_path
from legal.services import package_request

from ..conftest import claim_and_remove
from .conftest import PUBLIC_KEY, decided_case_with_evidence, flip, member_spans


def build(django_capture_on_commit_callbacks, **kw) -> EvidencePackage:
    with django_capture_on_commit_callbacks(execute=True):
        package = package_request(**kw)
    package.refresh_from_db()
    return package


@pytest.fixture
def case_package(world, django_capture_on_commit_callbacks):
    case = decided_case_with_evidence(world)
    return case, build(django_capture_on_commit_callbacks, user=world.rev1, scope=PackageScope.CASE, subject=case)


def test_a_case_package_holds_the_case_its_evidence_decision_audit_and_pdf(case_package):
    case, package = case_package
    assert package.status == PackageStatus.READY
    assert package.cases_done == package.cases_total == 1
    with zipfile.ZipFile(package_path(package)) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        row = json.loads(zf.read("cases/cases-00001.jsonl").decode().splitlines()[0])
        entries = [json.loads(line) for line in zf.read("audit/entries-00001.jsonl").decode().splitlines()]
        assert zf.read("summary.pdf").startswith(b"%PDF-")
    assert {"manifest.json", "manifest.sig.json", "summary.pdf", "verify_package.py", "README.txt"} <= names
    assert {f["path"] for f in manifest["files"]} == names - {"manifest.json", "manifest.sig.json"}
    assert sorted(n for n in names if n.startswith("evidence/")) == [
        n for n in sorted(names) if n.startswith(f"evidence/{case.report.reference}/")]
    assert len([n for n in names if n.startswith("evidence/")]) == 2
    assert row["reference"] == case.reference
    assert row["listing_as_reported"] == case.listing_snapshot
    case.listing.refresh_from_db()
    assert row["listing_now"]["status"] == case.listing.status and row["listing_now"]["title"] == case.listing.title
    assert row["decisions"][0]["statement_of_reasons"] == case.decisions.get().statement
    actions = {e["action"] for e in entries}
    assert {"case.open", "report.submitted", "evidence.uploaded"} <= actions
    assert all(e["seq"] and len(e["hash"]) == 64 for e in entries)


def test_the_shipped_checker_accepts_the_package_as_issued(case_package):
    _, package = case_package
    problems, counts = package_verify(str(package_path(package)), PUBLIC_KEY)
    assert problems == []
    assert counts["files"] >= 6 and counts["audit_entries"] >= 4


def test_another_key_is_refused(case_package):
    _, package = case_package
    problems, _ = package_verify(str(package_path(package)), "A" * 43 + "=")
    assert any(p.startswith("manifest.sig.json") for p in problems)


def test_one_changed_byte_names_its_file(case_package, tmp_path):
    """The first, middle and last byte of each member's data (built once; the flips are cheap)."""
    _, package = case_package
    changed = tmp_path / "changed.zip"
    for member, (first, last) in member_spans(package_path(package)).items():
        for offset in sorted({first, (first + last) // 2, last}):
            flip(package_path(package), offset, changed)
            problems, _ = package_verify(str(changed), PUBLIC_KEY)
            assert problems and problems[0].startswith(member), (member, offset, problems)
            # a changed manifest also fails its signature; nothing else is blamed
            blamed = {p.split(":")[0] for p in problems}
            assert blamed <= {member, "manifest.sig.json"}, (member, offset, problems)


def test_a_changed_header_byte_names_its_file(case_package, tmp_path):
    _, package = case_package
    first, _ = member_spans(package_path(package))["summary.pdf"]
    changed = tmp_path / "changed.zip"
    flip(package_path(package), first - len("summary.pdf") - 1, changed)  # inside the local header's name
    problems, _ = package_verify(str(changed), PUBLIC_KEY)
    assert any("summary.pdf" in p for p in problems), problems


def test_an_edited_audit_entry_is_found_even_when_rehashed_into_the_zip(case_package, tmp_path):
    """Re-zipping with an edited entry and its manifest line updated breaks the signature; the
    entry itself no longer matches its hash either."""
    _, package = case_package
    src = package_path(package)
    out = tmp_path / "edited.zip"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "audit/entries-00001.jsonl":
                data = data.replace(b'"actor_repr": "rev1"', b'"actor_repr": "rev2"', 1)
            zout.writestr(info.filename, data)
    problems, _ = package_verify(str(out), PUBLIC_KEY)
    assert any("does not match its hash" in p for p in problems), problems
    assert any(p.startswith("audit/entries-00001.jsonl: SHA-256") for p in problems)


def test_the_command_verifies_with_the_portals_key_and_fails_on_a_change(case_package, tmp_path, capsys):
    _, package = case_package
    call_command("package_verify", str(package_path(package)))
    assert "as issued" in capsys.readouterr().out
    first, _ = member_spans(package_path(package))["cases/cases-00001.jsonl"]
    changed = tmp_path / "changed.zip"
    flip(package_path(package), first + 3, changed)
    with pytest.raises(CommandError, match="NOT as issued"):
        call_command("package_verify", str(changed))
    assert "FAIL cases/cases-00001.jsonl" in capsys.readouterr().out


def test_a_seller_package_holds_every_case_of_the_seller_only(world, django_capture_on_commit_callbacks,
                                                               settings):
    from tests.conftest import file_report

    settings.LEGAL_PACKAGE_CHUNK = 2  # several chunks
    file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a)
    file_report(reporter=world.bob, right=world.tm_b, listings=world.listings_b + world.listings_a[:1])
    package = build(django_capture_on_commit_callbacks, user=world.senior, scope=PackageScope.SELLER,
                    subject=world.seller_a)
    with zipfile.ZipFile(package_path(package)) as zf:
        rows = [json.loads(line) for n in sorted(zf.namelist()) if n.startswith("cases/")
                for line in zf.read(n).decode().splitlines()]
        assert "seller.json" in zf.namelist()
    assert len(rows) == 4 and package.cases_total == 4
    assert {r["listing_now"]["seller"] for r in rows} == {world.seller_a.external_id}
    assert package_verify(str(package_path(package)), PUBLIC_KEY)[0] == []


# --- who may ask, and the pages -----------------------------------------------------------------


def test_a_brand_admin_packages_its_own_case(world, client, case_package, django_capture_on_commit_callbacks):
    case, _ = case_package
    client.force_login(world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("legal:package_new"), {"scope": "case", "id": case.pk})
    package = EvidencePackage.objects.latest("id")
    assert response.status_code == 302 and response.url == reverse("legal:package_detail", args=[package.pk])
    assert package.brand == world.brand_a and package.requested_by == world.alice
    page = client.get(response.url)
    assert package.sha256 in page.content.decode()
    download = client.get(reverse("legal:package_download", args=[package.pk]))
    assert download["Content-Type"] == "application/zip"
    assert b"".join(download.streaming_content)[:2] == b"PK"
    assert PackageDownload.objects.filter(package=package, user=world.alice).count() == 1


def test_another_brand_is_refused_a_case_package_and_it_is_logged(world, client, case_package, caplog):
    case, _ = case_package
    client.force_login(world.bob)
    before = EvidencePackage.objects.count()
    with caplog.at_level(logging.WARNING, logger="legal.security"):
        response = client.post(reverse("legal:package_new"), {"scope": "case", "id": case.pk})
    assert response.status_code == 404
    assert EvidencePackage.objects.count() == before
    assert any("refused" in r.getMessage() and f"user={world.bob.pk}" in r.getMessage() for r in caplog.records)
    assert AuditEntry.objects.filter(action="legal.refused", actor=world.bob, target_id=case.pk).exists()


def test_another_brand_cannot_see_or_download_a_package(world, client, case_package):
    _, package = case_package  # built by rev1 (staff): no brand
    for user in (world.alice, world.bob, world.sam):
        client.force_login(user)
        assert client.get(reverse("legal:package_detail", args=[package.pk])).status_code == 404
        assert client.get(reverse("legal:package_download", args=[package.pk])).status_code == 404
    assert not PackageDownload.objects.exists()


def test_an_agent_or_a_seller_cannot_package_a_case(world, client, case_package):
    case, _ = case_package
    for user in (world.agent, world.sam, world.outsider):
        client.force_login(user)
        assert client.post(reverse("legal:package_new"), {"scope": "case", "id": case.pk}).status_code == 404


def test_a_brand_admin_cannot_package_a_whole_seller(world, client):
    client.force_login(world.alice)
    assert client.post(reverse("legal:package_new"), {"scope": "seller", "id": world.seller_a.pk}).status_code == 403


def test_an_expired_link_gets_a_clear_page_and_no_file(world, client, case_package, time_machine, settings):
    _, package = case_package
    time_machine.move_to(package.expires_at)
    client.force_login(world.rev1)
    response = client.get(reverse("legal:package_download", args=[package.pk]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert not PackageDownload.objects.exists()


def test_package_pages_refuse_the_wrong_method(world, client, case_package):
    _, package = case_package
    client.force_login(world.rev1)
    assert client.get(reverse("legal:package_new")).status_code == 405
    assert client.post(reverse("legal:package_download", args=[package.pk])).status_code == 405


def test_a_bad_scope_is_refused_with_a_message(world, client):
    client.force_login(world.rev1)
    response = client.post(reverse("legal:package_new"), {"scope": "planet", "id": 1}, follow=True)
    assert "Choose what to package" in response.content.decode()
    assert not EvidencePackage.objects.exists()


def test_the_sweep_rebuilds_a_package_whose_message_was_lost(world, case_package, settings):
    from datetime import timedelta

    from django.utils import timezone

    from legal.services import packages_requeue_stale

    case, _ = case_package
    from unittest import mock

    with mock.patch("legal.tasks.build_package.delay"):  # the message is lost
        lost = package_request(user=world.rev1, scope=PackageScope.CASE, subject=case)
        fresh = package_request(user=world.rev1, scope=PackageScope.CASE, subject=case)
    EvidencePackage.objects.filter(pk=lost.pk).update(
        updated_at=timezone.now() - timedelta(seconds=settings.LEGAL_PACKAGE_STALE_SECONDS + 1))
    assert packages_requeue_stale() == 1
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == PackageStatus.READY and package_verify(str(package_path(lost)), PUBLIC_KEY)[0] == []
    assert fresh.status == PackageStatus.QUEUED
    assert packages_requeue_stale() == 0


def test_a_brand_admin_packages_its_report_from_the_report_page(world, client, django_capture_on_commit_callbacks):
    from tests.conftest import file_report

    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:2])
    client.force_login(world.alice)
    assert "Build evidence package of this report" in client.get(
        reverse("reporters:report_detail", args=[report.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("legal:package_new"), {"scope": "report", "id": report.pk})
    package = EvidencePackage.objects.get()
    assert (package.report, package.brand, package.status, package.cases_total) == (
        report, world.brand_a, PackageStatus.READY, 2)
    client.force_login(world.agent)  # an agent files reports but does not take them to court
    assert "Build evidence package" not in client.get(
        reverse("reporters:report_detail", args=[report.pk])).content.decode()
    client.force_login(world.bob)
    assert client.post(reverse("legal:package_new"), {"scope": "report", "id": report.pk}).status_code == 404


def test_a_package_from_an_open_notice_names_the_notifier_in_words_never_by_the_stand_in_account(
        world, django_capture_on_commit_callbacks, monkeypatch):
    import legal.packages

    notice = OpenNotice.objects.create(
        name="Nora Notifier", email="nora@example.test", capacity="agent", kind="trademark", right_name="ACME",
        rights_owner="Acme Audio Inc.", infringement_type="counterfeit", listings=world.listings_a[0].external_id,
        explanation="Fake ACME headphones.", signature="Nora Notifier")
    case = open_notice_confirm(notice=notice).cases.get()
    claim_and_remove(case=case, reviewer=world.rev1)
    assert case.report.reporter.username.startswith("notifier-")
    rendered = []
    render = legal.packages.render_to_string
    monkeypatch.setattr(legal.packages, "render_to_string",
                        lambda *a, **kw: rendered.append(render(*a, **kw)) or rendered[-1])
    package = build(django_capture_on_commit_callbacks, user=world.rev1, scope=PackageScope.CASE, subject=case)
    with zipfile.ZipFile(package_path(package)) as zf:
        texts = {n: zf.read(n).decode() for n in zf.namelist() if n.endswith((".json", ".jsonl", ".txt"))}
        entries = [json.loads(line) for line in zf.read("audit/entries-00001.jsonl").decode().splitlines()]
    assert {"manifest.json", "README.txt", "cases/cases-00001.jsonl"} <= set(texts)
    [pdf_html] = [h for h in rendered if "<h2>Timeline</h2>" in h]
    assert "Requested by rev1;" in pdf_html
    for name, text in [*texts.items(), ("summary.pdf (HTML)", pdf_html)]:
        if name.startswith("audit/"):
            continue
        assert "notifier-" not in text, name
    # The audit entries keep the account name they were hashed with (the checker recomputes each
    # hash from it) and name the notifier in words beside it.
    by_notifier = [e for e in entries if e["actor_repr"].startswith("notifier-")]
    assert {e["action"] for e in by_notifier} >= {"report.submitted", "case.open"}
    assert {e["actor"] for e in by_notifier} == {PUBLIC_NOTIFIER}
    assert {e["actor"] for e in entries if e["action"].startswith("decision.")} == {"rev1"}
    assert "notifier-" not in json.dumps([{k: v for k, v in e.items() if k != "actor_repr"} for e in entries])
    problems, _ = package_verify(str(package_path(package)), PUBLIC_KEY)
    assert problems == []
