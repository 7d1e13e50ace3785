"""A seller's failed appeal or counter-notice keeps its uploads as the seller's own bounded draft:
shown again with a way to remove them, taken when the form is filed, never carried or seen by
another seller, refused past the unattached quota."""

from django.urls import reverse

from appeals.models import Appeal, AppealEvidence
from appeals.services import appeal_file_by_reporter
from counter_notices.models import CounterNotice
from evidence.models import EvidenceFile
from evidence.selectors import evidence_unattached

from ..appeals.test_appeals_due_process import rejected_case
from ..evidence.samples import PDF, upload
from ..views import removed_case
from .test_views_due_process import _counter_form, notice_url


def pdf(name="invoice.pdf", salt=b""):
    return upload(name, PDF + salt, "application/pdf")


def _failed_appeal_with_a_file(client, case) -> EvidenceFile:
    response = client.post(notice_url(case), {"statement": "", "evidence_upload": pdf()})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Kept: " in html and "invoice.pdf" in html and 'name="remove_evidence"' in html
    return response.context["files"][0]


def test_a_failed_appeal_keeps_the_file_and_the_fixed_one_files_it_without_uploading_again(world, client):
    case = removed_case(world)
    client.force_login(world.sam)
    kept = _failed_appeal_with_a_file(client, case)
    assert list(evidence_unattached().filter(uploaded_by=world.sam)) == [kept]
    response = client.post(notice_url(case), {"statement": "Bought from the distributor.", "evidence": [kept.pk]})
    assert response.status_code == 302
    assert AppealEvidence.objects.get(appeal=Appeal.objects.get()).file_id == kept.pk
    assert not evidence_unattached().filter(uploaded_by=world.sam).exists()


def test_removing_a_kept_file_files_nothing_and_deletes_it(world, client):
    case = removed_case(world)
    client.force_login(world.sam)
    kept = _failed_appeal_with_a_file(client, case)
    response = client.post(notice_url(case), {"statement": "Genuine.", "evidence": [kept.pk],
                                              "remove_evidence": str(kept.pk)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Removed “invoice.pdf”. Nothing was filed yet" in html and "Genuine." in html
    assert response.context["files"] == []
    assert Appeal.objects.count() == 0
    assert not EvidenceFile.objects.filter(pk=kept.pk).exists()


def test_another_seller_can_neither_take_nor_see_the_draft_file(world, client):
    sams = removed_case(world)
    sues = removed_case(world, listing=world.listings_b[0])
    client.force_login(world.sam)
    kept = _failed_appeal_with_a_file(client, sams)

    client.force_login(world.sue)
    response = client.post(notice_url(sues), {"statement": "Genuine.", "evidence": [kept.pk]})
    assert response.status_code == 400
    assert "A file uploaded earlier is no longer available" in response.content.decode()
    assert "invoice.pdf" not in response.content.decode()
    assert Appeal.objects.count() == 0
    assert client.get(reverse("appeals:evidence", args=[kept.pk])).status_code == 404
    assert client.get(reverse("reporters:evidence_download", args=[kept.pk])).status_code == 404
    # Nor does sue's try remove it: sam's draft is intact.
    client.post(notice_url(sues), {"statement": "", "evidence": [kept.pk], "remove_evidence": str(kept.pk)})
    assert EvidenceFile.objects.filter(pk=kept.pk).exists()


def test_a_failed_counter_notice_keeps_its_file_until_filed(world, client):
    case = removed_case(world, kind="copyright")
    client.force_login(world.sam)
    url = reverse("sellers:counter_notice_new", args=[case.pk])
    response = client.post(url, {**_counter_form(phone=""), "evidence_upload": pdf("licence.pdf")})
    assert response.status_code == 400
    assert "Kept: " in response.content.decode() and "licence.pdf" in response.content.decode()
    kept = response.context["files"][0]
    response = client.post(url, {**_counter_form(), "evidence": [kept.pk]})
    assert response.status_code == 302
    assert CounterNotice.objects.get().evidence_links.get().file_id == kept.pk


def test_uploads_past_the_unattached_quota_are_refused_with_the_reason(world, client, settings):
    settings.EVIDENCE_MAX_UNATTACHED_FILES = 1
    case = removed_case(world)
    client.force_login(world.sam)
    kept = _failed_appeal_with_a_file(client, case)
    response = client.post(notice_url(case), {"statement": "", "evidence": [kept.pk],
                                              "evidence_upload": pdf("second.pdf", salt=b"%2\n")})
    assert response.status_code == 400
    html = response.content.decode()
    assert "“second.pdf” was not accepted" in html and "not yet filed with any report or appeal" in html
    assert [f.pk for f in response.context["files"]] == [kept.pk]
    assert EvidenceFile.objects.filter(uploaded_by=world.sam).count() == 1


def test_a_failed_response_to_the_rights_holders_appeal_keeps_its_file_in_that_form(world, client):
    case = rejected_case(world)
    appeal = appeal_file_by_reporter(case=case, user=world.alice, statement="Our logo.", evidence=[])
    client.force_login(world.sam)
    url = reverse("sellers:appeal_response", args=[appeal.pk])
    response = client.post(url, {"statement": "", "evidence_upload": pdf("licence.pdf")})
    assert response.status_code == 400
    kept = response.context["response_files"]
    assert [f.original_name for f in kept] == ["licence.pdf"] and response.context["files"] == []
    assert response.content.decode().count('name="evidence" value=') == 1
    response = client.post(url, {"statement": "Compatible part, not the brand's.", "evidence": [kept[0].pk]})
    assert response.status_code == 302
    assert appeal.responses.get().evidence_links.get().file_id == kept[0].pk
