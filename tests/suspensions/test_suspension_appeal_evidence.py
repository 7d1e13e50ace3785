"""A suspended seller's appeal takes evidence files as every seller form does: checked by content,
kept on a failed submit, filed with the appeal, shown to the senior who rules; downloadable only
by that seller and reviewers."""

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEntry
from evidence.models import EvidenceFile
from evidence.selectors import evidence_unattached
from suspensions.models import SuspensionAppealEvidence
from suspensions.services import SuspensionError, suspension_appeal_file

from ..evidence.samples import PDF, SVG, upload
from ..factories import UserFactory
from .test_strikes import proposed  # noqa: F401  (fixture)
from .test_suspension_appeals import approved  # noqa: F401  (fixture)

APPEAL = "/seller/suspension/appeal/"


def pdf(name="invoice.pdf", salt=b""):
    return upload(name, PDF + salt, "application/pdf")


def _filed(world, client, approved) -> EvidenceFile:  # noqa: F811
    client.force_login(world.sam)
    response = client.post(APPEAL, {"statement": "Two of the strikes were reversed.",
                                    "evidence_upload": pdf("reversal.pdf")})
    assert response.status_code == 302
    return SuspensionAppealEvidence.objects.get(suspension=approved).file


def test_a_failed_appeal_keeps_the_file_and_the_fixed_one_files_it(world, client, approved):  # noqa: F811
    client.force_login(world.sam)
    response = client.post(APPEAL, {"statement": "", "evidence_upload": pdf()})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Your appeal was not sent. Nothing you typed was lost." in html
    assert "Kept: " in html and "invoice.pdf" in html and 'name="remove_evidence"' in html
    assert 'enctype="multipart/form-data"' in html
    kept = response.context["suspension_files"][0]
    assert list(evidence_unattached().filter(uploaded_by=world.sam)) == [kept]

    response = client.post(APPEAL, {"statement": "Two of the strikes were reversed.", "evidence": [kept.pk]},
                           follow=True)
    assert "Appeal sent." in response.content.decode()
    approved.refresh_from_db()
    assert approved.appeal_is_open
    assert [link.file_id for link in approved.appeal_evidence_links.all()] == [kept.pk]
    assert not evidence_unattached().filter(uploaded_by=world.sam).exists()
    entry = AuditEntry.objects.get(action="suspension.appeal_evidence")
    assert entry.data["files"] == [{"id": kept.pk, "sha256": kept.sha256}]
    # The seller sees what it filed, with a link it may follow.
    html = response.content.decode()
    assert 'data-testid="suspension-appeal-files"' in html and "invoice.pdf" in html
    download = client.get(reverse("suspensions:appeal_evidence", args=[kept.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_removing_a_kept_file_sends_nothing_and_deletes_it(world, client, approved):  # noqa: F811
    client.force_login(world.sam)
    kept = client.post(APPEAL, {"statement": "", "evidence_upload": pdf()}).context["suspension_files"][0]
    response = client.post(APPEAL, {"statement": "Reversed strikes.", "evidence": [kept.pk],
                                    "remove_evidence": str(kept.pk)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Removed “invoice.pdf”. Nothing was filed yet" in html and "Reversed strikes." in html
    assert response.context["suspension_files"] == []
    approved.refresh_from_db()
    assert approved.appeal_filed_at is None
    assert not EvidenceFile.objects.filter(pk=kept.pk).exists()


def test_a_file_of_a_refused_type_is_refused_by_content_with_the_statement_kept(world, client,
                                                                               approved):  # noqa: F811
    client.force_login(world.sam)
    response = client.post(APPEAL, {"statement": "My licence is attached.",
                                    "evidence_upload": upload("licence.pdf", SVG, "application/pdf")})
    assert response.status_code == 400
    html = response.content.decode()
    assert "“licence.pdf” was not accepted" in html and "My licence is attached." in html
    assert not EvidenceFile.objects.exists()
    approved.refresh_from_db()
    assert approved.appeal_filed_at is None


def test_uploads_past_the_unattached_quota_or_the_file_size_are_refused(world, client, settings,
                                                                      approved):  # noqa: F811
    settings.EVIDENCE_MAX_UNATTACHED_FILES = 1
    client.force_login(world.sam)
    kept = client.post(APPEAL, {"statement": "", "evidence_upload": pdf()}).context["suspension_files"][0]
    response = client.post(APPEAL, {"statement": "", "evidence": [kept.pk],
                                    "evidence_upload": pdf("second.pdf", salt=b"%2\n")})
    html = response.content.decode()
    assert "“second.pdf” was not accepted" in html and "not yet filed with any report or appeal" in html
    assert [f.pk for f in response.context["suspension_files"]] == [kept.pk]

    settings.EVIDENCE_MAX_FILE_BYTES = len(PDF) + 10
    response = client.post(APPEAL, {"statement": "", "evidence": [kept.pk],
                                    "evidence_upload": pdf("big.pdf", salt=b"%" * 100 + b"\n")})
    assert "“big.pdf” was not accepted: it is" in response.content.decode()
    assert EvidenceFile.objects.filter(uploaded_by=world.sam).count() == 1


def test_the_service_refuses_more_files_than_an_appeal_takes(world, approved, settings):  # noqa: F811
    settings.EVIDENCE_MAX_OWNER_FILES = 1
    files = [EvidenceFile.objects.create(storage_name=f"x{i}.pdf", original_name=f"{i}.pdf",
                                         content_type="application/pdf", size=10, sha256=str(i) * 64,
                                         uploaded_by=world.sam) for i in range(2)]
    with pytest.raises(SuspensionError, match="takes at most 1 evidence files") as exc:
        suspension_appeal_file(suspension=approved, user=world.sam, statement="Reversed.", evidence=files)
    assert exc.value.field == "evidence_upload"
    approved.refresh_from_db()
    assert approved.appeal_filed_at is None and not SuspensionAppealEvidence.objects.exists()


def test_another_seller_and_a_rights_holder_get_404_on_the_file(world, client, approved):  # noqa: F811
    filed = _filed(world, client, approved)
    url = reverse("suspensions:appeal_evidence", args=[filed.pk])
    for outsider in (world.sue, world.alice):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        # Nor through the other evidence routes.
        assert client.get(reverse("appeals:evidence", args=[filed.pk])).status_code == 404
        assert client.get(reverse("reporters:evidence_download", args=[filed.pk])).status_code == 404
    client.force_login(world.sue)
    assert "reversal.pdf" not in client.get(reverse("sellers:seller_center")).content.decode()
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_the_senior_who_rules_sees_and_downloads_the_files(world, client, approved):  # noqa: F811
    filed = _filed(world, client, approved)
    uninvolved = UserFactory(username="senior3", role=Role.SENIOR_REVIEWER)
    client.force_login(uninvolved)
    html = client.get(reverse("suspensions:suspension_detail", args=[approved.pk])).content.decode()
    assert 'data-testid="suspension-appeal-files"' in html and "reversal.pdf" in html
    assert reverse("suspensions:appeal_evidence", args=[filed.pk]) in html and "Rule on the appeal" in html
    download = client.get(reverse("suspensions:appeal_evidence", args=[filed.pk]))
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert 'filename="reversal.pdf"' in download["Content-Disposition"]


def test_the_download_answers_get_only(world, client, approved):  # noqa: F811
    filed = _filed(world, client, approved)
    assert client.post(reverse("suspensions:appeal_evidence", args=[filed.pk])).status_code == 405
