"""The reporter answers a reviewer's question with files: checked by content like report evidence,
linked to the answer (and so to the case), shown to the reviewer beside the answer, and served only
through the access-checked evidence view (the case's brand and reviewers; nobody else)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from complaints.models import CaseState, InfoAnswerEvidence
from evidence.models import EvidenceFile
from evidence.services import evidence_accept
from review.info_requests import InfoRequestError, case_request_info, info_request_answer

from ..conftest import claim
from ..evidence.samples import ELF, HTML, PDF, SVG, image, upload
from ..factories import UserFactory
from ..views import held_case, open_case
from .test_case_page import QUERIES


def _ask(case, reviewer):
    return case_request_info(case=case, reviewer=reviewer, question="Send the test-buy photos.",
                             deadline=timezone.now() + timedelta(hours=48))


@pytest.fixture
def asked(world):
    case = held_case(world)
    return case, _ask(case, world.rev1)


def _url(case, info):
    return reverse("reporters:info_answer", kwargs={"pk": case.report_id, "request_pk": info.pk})


def test_the_answer_takes_files_and_the_reviewer_sees_them_beside_it(world, client, asked):
    case, info = asked
    client.force_login(world.alice)
    response = client.post(_url(case, info), {
        "answer": "Photos of the test buy attached.",
        "evidence_upload": [upload("testbuy.png", image("PNG")), upload("receipt.pdf", PDF, "application/pdf")]})
    assert response.status_code == 302
    files = [link.file for link in InfoAnswerEvidence.objects.filter(info_request=info).select_related("file")]
    assert sorted(f.original_name for f in files) == ["receipt.pdf", "testbuy.png"]
    case.refresh_from_db()
    assert case.state == CaseState.OPEN
    entry = AuditEntry.objects.get(action="case.info_answered", target_id=info.pk)
    assert sorted(f["sha256"] for f in entry.data["files"]) == sorted(f.sha256 for f in files)

    client.force_login(world.rev2)
    page = client.get(reverse("review:case_detail", args=[case.pk])).content.decode()
    answer_at = page.index("Photos of the test buy attached.")
    for f in files:
        link = reverse("reporters:evidence_download", args=[f.pk])
        assert link in page and page.index(link) > answer_at
        assert client.get(link).status_code == 200
    png = next(f for f in files if f.is_image)
    assert client.get(reverse("reporters:evidence_inline", args=[png.pk])).status_code == 200


def test_an_answer_without_files_still_works(world, client, asked):
    case, info = asked
    client.force_login(world.alice)
    assert client.post(_url(case, info), {"answer": "No photos, sorry."}).status_code == 302
    assert not InfoAnswerEvidence.objects.exists()


@pytest.mark.parametrize(("name", "data"), [
    ("testbuy.pdf", HTML),      # a web page named as a PDF
    ("photo.png", SVG),         # script in an image's name
    ("invoice.pdf", ELF),       # a program
])
def test_a_disguised_file_is_an_error_on_the_upload_field_and_keeps_the_typed_answer(
        world, client, asked, name, data):
    case, info = asked
    client.force_login(world.alice)
    response = client.post(_url(case, info), {"answer": "Here is the proof, typed with care.",
                                              "evidence_upload": [upload(name, data, "application/pdf")]})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_evidence_upload_error"' in html and f"“{name}” was not accepted" in html
    assert "Here is the proof, typed with care." in html
    info.refresh_from_db()
    case.refresh_from_db()
    assert info.is_open and case.state == CaseState.NEEDS_INFO
    assert not EvidenceFile.objects.exists()


def test_an_oversized_file_is_refused_and_an_accepted_one_is_carried_to_the_next_try(
        world, client, asked, settings):
    case, info = asked
    settings.EVIDENCE_MAX_FILE_BYTES = len(PDF) + 10
    client.force_login(world.alice)
    response = client.post(_url(case, info), {"answer": "Two files.", "evidence_upload": [
        upload("small.pdf", PDF, "application/pdf"), upload("big.pdf", PDF + b"x" * 100, "application/pdf")]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "“big.pdf” was not accepted" in html
    kept = EvidenceFile.objects.get(original_name="small.pdf")
    assert f'name="evidence" value="{kept.pk}"' in html and 'data-testid="carried-files"' in html
    # The second try sends the carried id only; the file is linked without being uploaded again.
    assert client.post(_url(case, info), {"answer": "Two files.", "evidence": [kept.pk]}).status_code == 302
    assert InfoAnswerEvidence.objects.get().file == kept


def test_an_answer_cannot_carry_another_users_file_or_one_already_filed(world, client, asked):
    case, info = asked
    bobs = EvidenceFile.objects.create(storage_name="x1", original_name="b.pdf", content_type="application/pdf",
                                       size=3, sha256="0" * 64, uploaded_by=world.bob)
    client.force_login(world.alice)
    # Carried ids are filtered to the user's own loose files: bob's is not carried, and the answer
    # is not sent without the file alice believes is attached.
    response = client.post(_url(case, info), {"answer": "Mine.", "evidence": [bobs.pk]})
    assert response.status_code == 400
    assert "A file uploaded earlier is no longer available" in response.content.decode()
    assert not InfoAnswerEvidence.objects.exists()
    other = open_case(world, listing=world.listings_a[1])
    claim(other, world.rev1)
    with pytest.raises(InfoRequestError) as exc:
        info_request_answer(request=_ask(other, world.rev1), user=world.alice, answer="x", evidence=[bobs])
    assert exc.value.field == "evidence_upload"


@pytest.fixture
def answered_file(world, client, asked):
    case, info = asked
    client.force_login(world.alice)
    client.post(_url(case, info), {"answer": "Attached.", "evidence_upload": [upload("t.png", image("PNG"))]})
    client.logout()
    return InfoAnswerEvidence.objects.get().file


@pytest.mark.parametrize("persona", ["alice", "agent", "rev1", "senior"])
def test_the_brand_and_reviewers_may_open_an_answer_file(world, client, answered_file, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("reporters:evidence_download", args=[answered_file.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["bob", "sam", "outsider", "market"])
@pytest.mark.parametrize("name", ["reporters:evidence_download", "reporters:evidence_inline"])
def test_another_brand_a_seller_and_an_outsider_get_404_for_an_answer_file(world, client, answered_file,
                                                                           persona, name):
    user = UserFactory(username="market", role="marketplace") if persona == "market" else getattr(world, persona)
    client.force_login(user)
    assert client.get(reverse(name, args=[answered_file.pk])).status_code == 404


def test_an_anonymous_visitor_gets_no_answer_file(client, answered_file):
    response = client.get(reverse("reporters:evidence_download", args=[answered_file.pk]))
    assert response.status_code == 302


def test_another_brand_cannot_answer_with_files(world, client, asked):
    case, info = asked
    client.force_login(world.bob)
    response = client.post(_url(case, info), {"answer": "Mine.", "evidence_upload": [upload("t.pdf", PDF)]})
    assert response.status_code == 404
    assert not InfoAnswerEvidence.objects.exists()


def test_the_answer_view_refuses_get(world, client, asked):
    case, info = asked
    client.force_login(world.alice)
    assert client.get(_url(case, info)).status_code == 405


def test_the_report_page_offers_the_file_picker_with_the_answer(world, client, asked):
    case, _ = asked
    client.force_login(world.alice)
    page = client.get(reverse("reporters:report_detail", args=[case.report_id])).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="evidence_upload"' in page


# The case page's fixed count (tests/review/test_case_page.py QUERIES) plus one for the answers' files.
@pytest.mark.parametrize("answers", [1, 3])
def test_the_case_page_reads_the_answers_files_in_one_query(world, client, django_assert_num_queries, answers):
    case = None
    for i in range(answers):
        case = held_case(world) if case is None else _reclaim(case, world)
        info = _ask(case, world.rev1)
        stored = evidence_accept(uploaded_by=world.alice, uploads=[upload(f"p{i}.png", image("PNG")),
                                                                   upload(f"r{i}.pdf", PDF)]).stored
        info_request_answer(request=info, user=world.alice, answer=f"Answer {i}", evidence=stored)
    client.force_login(world.rev2)
    url = reverse("review:case_detail", args=[case.pk])
    client.get(url)
    with django_assert_num_queries(QUERIES + 1):
        page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="answer-files"') == answers


def _reclaim(case, world):
    claim(case, world.rev1)
    return case
