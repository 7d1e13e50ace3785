"""Drafts: save, resume with files intact, submit, delete; only the brand's members see them."""

import re

import pytest
from django.test import TestCase
from django.urls import reverse

from complaints.models import Report, ReportDraft
from evidence.models import EvidenceFile
from evidence.services import evidence_path

from ..evidence.samples import PDF, image, upload
from ..views import assert_login_redirect
from .test_views_evidence import _hidden_ids
from .test_views_reports import _field_error, _form

TM_FORM = "/reports/new/trademark/"


def _save_draft(client, world, **overrides):
    response = client.post(TM_FORM, _form(world, action="draft", **overrides))
    draft = ReportDraft.objects.latest("id")
    assert response.status_code == 302
    assert response["Location"] == reverse("reporters:report_draft", kwargs={"draft_pk": draft.pk})
    return draft


def test_a_half_written_report_is_saved_as_a_draft_with_its_files(world, client):
    client.force_login(world.alice)
    draft = _save_draft(client, world, signature="", decl_accurate=None, listings="L-typo",
                        evidence_upload=[upload("shot.png", image("PNG"))])
    assert Report.objects.count() == 0
    assert draft.brand == world.brand_a and draft.right == world.tm_a and draft.created_by == world.alice
    assert draft.data["explanation"] == "The logo is a copy of ours; see the second photo."
    assert draft.data["listings"] == "L-typo" and draft.data["decl_accurate"] == ""
    assert [f.original_name for f in draft.evidence.all()] == ["shot.png"]


def test_my_reports_lists_the_brands_drafts_with_a_continue_link(world, client):
    client.force_login(world.alice)
    draft = _save_draft(client, world, evidence_upload=[upload("a.pdf", PDF)])
    client.force_login(world.agent)
    html = client.get(reverse("reporters:report_list")).content.decode()
    assert draft.reference in html
    assert f'<a href="{reverse("reporters:report_draft", kwargs={"draft_pk": draft.pk})}">Continue</a>' in html
    client.force_login(world.bob)
    assert draft.reference not in client.get(reverse("reporters:report_list")).content.decode()


def test_a_resumed_draft_has_what_was_typed_and_the_files(world, client):
    client.force_login(world.alice)
    draft = _save_draft(client, world, signature="", decl_accurate=None, evidence_upload=[upload("a.pdf", PDF)])
    response = client.get(reverse("reporters:report_draft", kwargs={"draft_pk": draft.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "The logo is a copy of ours; see the second photo.</textarea>" in html
    assert re.search(r'<input type="checkbox" name="decl_good_faith"[^>]* checked', html)
    assert not re.search(r'<input type="checkbox" name="decl_accurate"[^>]* checked', html)
    assert _hidden_ids(html) == [draft.evidence.get().pk] and "a.pdf" in html
    assert 'class="errorlist"' not in html


def test_submitting_a_draft_files_the_report_with_its_files_and_removes_the_draft(world, client):
    client.force_login(world.alice)
    draft = _save_draft(client, world, signature="", evidence_upload=[upload("a.pdf", PDF)])
    file = draft.evidence.get()
    client.force_login(world.agent)  # a colleague finishes it
    url = reverse("reporters:report_draft", kwargs={"draft_pk": draft.pk})
    response = client.post(url, _form(world, signature="Agent Smith", capacity="agent", evidence=[str(file.pk)],
                                      evidence_upload=[upload("b.png", image("PNG"))]))
    report = Report.objects.get()
    assert response.status_code == 302 and report.reporter == world.agent
    assert [f.original_name for f in EvidenceFile.objects.filter(report_link__report=report)] == ["a.pdf", "b.png"]
    assert not ReportDraft.objects.exists()


def test_a_validation_error_on_a_draft_keeps_its_files(world, client):
    client.force_login(world.alice)
    draft = _save_draft(client, world, evidence_upload=[upload("a.pdf", PDF)])
    url = reverse("reporters:report_draft", kwargs={"draft_pk": draft.pk})
    response = client.post(url, _form(world, listings="NOPE-1", evidence=[str(draft.evidence.get().pk)],
                                      evidence_upload=[upload("b.png", image("PNG"))]))
    html = response.content.decode()
    assert "No listing found for: NOPE-1" in _field_error(html, "listings")
    assert len(_hidden_ids(html)) == 2 and "a.pdf" in html and "b.png" in html
    # Saving again keeps both with the draft.
    client.post(url, _form(world, action="draft", evidence=[str(i) for i in _hidden_ids(html)]))
    assert sorted(draft.evidence.values_list("original_name", flat=True)) == ["a.pdf", "b.png"]


def test_a_file_removed_from_a_draft_is_deleted_when_the_draft_is_saved(world, client):
    client.force_login(world.alice)
    draft = _save_draft(client, world, evidence_upload=[upload("a.pdf", PDF), upload("b.png", image("PNG"))])
    a, b = draft.evidence.order_by("id")
    url = reverse("reporters:report_draft", kwargs={"draft_pk": draft.pk})
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url, _form(world, action="draft", evidence=[str(b.pk)]))
    assert list(draft.evidence.all()) == [b]
    assert not EvidenceFile.objects.filter(pk=a.pk).exists() and not evidence_path(a).exists()


def test_a_refused_upload_does_not_save_the_draft_and_says_why(world, client):
    client.force_login(world.alice)
    response = client.post(TM_FORM, _form(
        world, action="draft", signature="", decl_accurate=None,
        evidence_upload=[upload("logo.svg", b"<svg onload=alert(1)></svg>"), upload("a.pdf", PDF)]))
    html = response.content.decode()
    assert "“logo.svg” was not accepted: it is an SVG image" in _field_error(html, "evidence_upload")
    # Only the file is wrong: a draft does not need the declarations or a signature yet.
    assert html.count('class="errorlist"') == 1
    assert "The logo is a copy of ours; see the second photo.</textarea>" in html
    assert len(_hidden_ids(html)) == 1 and "a.pdf" in html
    assert not ReportDraft.objects.exists()


def test_deleting_a_draft_deletes_its_files(world, client):
    client.force_login(world.alice)
    draft = _save_draft(client, world, evidence_upload=[upload("a.pdf", PDF)])
    path = evidence_path(draft.evidence.get())
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("reporters:report_draft_delete", kwargs={"pk": draft.pk}))
    assert response.status_code == 302 and response["Location"] == reverse("reporters:report_list")
    assert not ReportDraft.objects.exists() and not EvidenceFile.objects.exists() and not path.exists()


@pytest.mark.parametrize("persona,status", [("bob", 404), ("sam", 403), ("rev1", 403)])
def test_only_the_brands_members_open_continue_or_delete_a_draft(world, client, settings, persona, status):
    settings.DEBUG = False
    client.force_login(world.alice)
    draft = _save_draft(client, world, evidence_upload=[upload("a.pdf", PDF)])
    file = draft.evidence.get()
    client.force_login(getattr(world, persona))
    url = reverse("reporters:report_draft", kwargs={"draft_pk": draft.pk})
    assert client.get(url).status_code == status
    assert client.post(url, _form(world, evidence=[str(file.pk)])).status_code == status
    delete = reverse("reporters:report_draft_delete", kwargs={"pk": draft.pk})
    assert client.post(delete).status_code == status
    assert ReportDraft.objects.filter(pk=draft.pk).exists() and Report.objects.count() == 0
    assert client.get(reverse("reporters:evidence_download", kwargs={"pk": file.pk})).status_code == 404


def test_another_brands_member_cannot_carry_a_drafts_file_into_their_report(world, client):
    client.force_login(world.alice)
    draft = _save_draft(client, world, evidence_upload=[upload("a.pdf", PDF)])
    client.force_login(world.bob)
    data = _form(world, right=world.tm_b.pk, listings=world.listings_b[0].external_id,
                 evidence=[str(draft.evidence.get().pk)])
    response = client.post(TM_FORM, data)
    assert "no longer available" in _field_error(response.content.decode(), "evidence_upload")
    assert Report.objects.count() == 0


def test_the_draft_pages_send_an_anonymous_visitor_to_log_in(world, client):
    client.force_login(world.alice)
    draft = _save_draft(client, world)
    client.logout()
    url = reverse("reporters:report_draft", kwargs={"draft_pk": draft.pk})
    assert_login_redirect(client.get(url), url)


def test_delete_refuses_a_get(world, client):
    client.force_login(world.alice)
    draft = _save_draft(client, world)
    assert client.get(reverse("reporters:report_draft_delete", kwargs={"pk": draft.pk})).status_code == 405
