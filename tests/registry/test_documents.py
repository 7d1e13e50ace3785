"""Registration documents and images of a right: upload by admins, who may download, and what verification needs."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from evidence.models import EvidenceFile
from evidence.selectors import evidence_unattached
from registry.documents import right_document_add
from registry.models import BrandMember, DocumentRole, IPRight, MarkType, RightDocument, RightKind, RightStatus
from registry.services import RegistryError, right_send_code

from ..evidence.samples import HTML, PDF, SVG, ZIP, image, upload
from ..factories import PendingTrademarkFactory
from ..views import assert_login_redirect

pytestmark = pytest.mark.django_db


@pytest.fixture
def figurative(world):
    return PendingTrademarkFactory(brand=world.brand_a, name="ACME WAVE", mark_type=MarkType.FIGURATIVE)


@pytest.fixture
def design(world):
    return IPRight.objects.create(brand=world.brand_a, kind=RightKind.DESIGN, office="EUIPO",
                                  registration_number="015000001-0001", name="Lamp", product="Desk lamp",
                                  status=RightStatus.PENDING)


@pytest.fixture
def copyright_work(world):
    return IPRight.objects.create(brand=world.brand_a, kind=RightKind.COPYRIGHT, name="Catalogue 2025",
                                  work_type="image", author="Acme studio", status=RightStatus.PENDING)


def post_document(client, right, role, name, data):
    return client.post(reverse("registry:right_document_upload", args=[right.pk]),
                       {"role": role, "file": upload(name, data)})


def stored_files(media) -> list:
    folder = media / "evidence"
    return list(folder.iterdir()) if folder.exists() else []


# --- upload ----------------------------------------------------------------------------------

def test_admin_uploads_the_mark_image_and_sees_it_listed(world, figurative, client):
    client.force_login(world.alice)
    r = post_document(client, figurative, DocumentRole.MARK_IMAGE, "wave.png", image("PNG"))
    assert r.status_code == 302 and r["Location"] == reverse("registry:right_detail", args=[figurative.pk])
    doc = RightDocument.objects.get(right=figurative)
    assert doc.role == DocumentRole.MARK_IMAGE and doc.uploaded_by == world.alice
    assert doc.file.content_type == "image/png" and doc.file.storage_name != "wave.png"
    assert AuditEntry.objects.filter(action="ipright.document_added", target_id=figurative.pk).exists()
    page = client.get(reverse("registry:right_detail", args=[figurative.pk])).content.decode()
    assert "wave.png" in page
    assert reverse("registry:right_document_download", args=[doc.pk]) in page
    assert reverse("registry:right_document_inline", args=[doc.pk]) in page
    assert 'data-testid="documents-missing"' not in page


@pytest.mark.parametrize("role,name,data", [
    (DocumentRole.REGISTRATION_EXTRACT, "extract.pdf", PDF),
    (DocumentRole.CERTIFICATE, "certificate.pdf", PDF),
    (DocumentRole.MARK_IMAGE, "wave.jpg", image("JPEG")),
])
def test_each_trademark_role_is_stored(world, figurative, client, role, name, data):
    client.force_login(world.alice)
    assert post_document(client, figurative, role, name, data).status_code == 302
    assert RightDocument.objects.get(right=figurative).role == role


def test_design_images_and_copyright_certificate(world, design, copyright_work):
    right_document_add(right=design, by=world.alice, role=DocumentRole.DESIGN_IMAGE,
                       upload=upload("front.webp", image("WEBP")))
    right_document_add(right=design, by=world.alice, role=DocumentRole.DESIGN_IMAGE,
                       upload=upload("side.png", image("PNG")))
    right_document_add(right=copyright_work, by=world.alice, role=DocumentRole.CERTIFICATE,
                       upload=upload("cert.pdf", PDF))
    assert design.documents.filter(role=DocumentRole.DESIGN_IMAGE).count() == 2
    assert copyright_work.documents.get().role == DocumentRole.CERTIFICATE


def test_a_role_the_kind_does_not_take_is_refused_naming_the_field(world, copyright_work, client):
    client.force_login(world.alice)
    r = post_document(client, copyright_work, DocumentRole.MARK_IMAGE, "x.png", image("PNG"))
    assert r.status_code == 400
    assert r.context["document_form"].errors["role"]
    assert not EvidenceFile.objects.exists()


def test_a_pdf_is_not_a_mark_image(world, figurative, client, _media_root):
    client.force_login(world.alice)
    r = post_document(client, figurative, DocumentRole.MARK_IMAGE, "wave.pdf", PDF)
    assert r.status_code == 400
    assert "must be a PNG, JPEG or WebP image" in r.context["document_form"].errors["file"][0]
    assert not RightDocument.objects.exists() and not EvidenceFile.objects.exists()
    assert stored_files(_media_root) == []


def test_an_agent_gets_a_clear_403(world, figurative, client):
    client.force_login(world.agent)
    r = post_document(client, figurative, DocumentRole.MARK_IMAGE, "wave.png", image("PNG"))
    assert r.status_code == 403
    assert b"Only admins of Acme" in r.content
    assert not EvidenceFile.objects.exists()
    page = client.get(reverse("registry:right_detail", args=[figurative.pk])).content.decode()
    assert "A brand admin uploads the registration documents." in page and 'name="file"' not in page


def test_another_brands_admin_gets_404_on_upload(world, figurative, client):
    client.force_login(world.bob)
    r = post_document(client, figurative, DocumentRole.MARK_IMAGE, "wave.png", image("PNG"))
    assert r.status_code == 404
    assert not EvidenceFile.objects.exists()


@pytest.mark.parametrize("name,data,words", [
    ("logo.svg", SVG, "SVG image"),
    ("wave.png", HTML, "HTML"),
    ("documents.zip", ZIP, "archive (ZIP"),
    ("extract.pdf", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56, "ELF executable"),
])
def test_refused_files_show_the_reason_beside_the_field_store_nothing_and_are_logged(
        world, figurative, client, _media_root, caplog, name, data, words):
    client.force_login(world.alice)
    with caplog.at_level(logging.WARNING, logger="evidence.services"):
        r = post_document(client, figurative, DocumentRole.REGISTRATION_EXTRACT, name, data)
    assert r.status_code == 400
    [error] = r.context["document_form"].errors["file"]
    assert name in error and words in error
    assert words in r.content.decode()
    assert not RightDocument.objects.exists() and not EvidenceFile.objects.exists()
    assert stored_files(_media_root) == []
    assert any("evidence refused" in rec.getMessage() for rec in caplog.records)
    assert r.context["document_form"]["role"].value() == DocumentRole.REGISTRATION_EXTRACT  # kept what was chosen


def test_an_oversized_file_is_refused(world, figurative, client, settings, _media_root):
    settings.EVIDENCE_MAX_FILE_BYTES = 1000
    client.force_login(world.alice)
    r = post_document(client, figurative, DocumentRole.REGISTRATION_EXTRACT, "big.pdf", PDF + b"%" * 2000)
    assert r.status_code == 400
    assert "at most" in r.context["document_form"].errors["file"][0]
    assert not EvidenceFile.objects.exists() and stored_files(_media_root) == []


def test_no_file_and_no_role_name_their_fields(world, figurative, client):
    client.force_login(world.alice)
    r = client.post(reverse("registry:right_document_upload", args=[figurative.pk]), {})
    assert r.status_code == 400
    assert set(r.context["document_form"].errors) == {"role", "file"}


# --- serving ---------------------------------------------------------------------------------

@pytest.fixture
def docs(world, figurative):
    img = right_document_add(right=figurative, by=world.alice, role=DocumentRole.MARK_IMAGE,
                             upload=upload("wave.png", image("PNG")))
    pdf = right_document_add(right=figurative, by=world.alice, role=DocumentRole.REGISTRATION_EXTRACT,
                             upload=upload("extract.pdf", PDF))
    return img, pdf


@pytest.mark.parametrize("who", ["alice", "agent", "rev1", "senior"])
def test_members_and_reviewers_download_as_attachment(world, docs, client, who):
    img, pdf = docs
    client.force_login(getattr(world, who))
    r = client.get(reverse("registry:right_document_download", args=[pdf.pk]))
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("attachment") and "extract.pdf" in r["Content-Disposition"]
    assert r["X-Content-Type-Options"] == "nosniff"
    assert b"".join(r.streaming_content) == PDF
    inline = client.get(reverse("registry:right_document_inline", args=[img.pk]))
    assert inline.status_code == 200 and inline["Content-Type"] == "image/png"
    assert inline["Content-Disposition"].startswith("inline")


@pytest.mark.parametrize("who", ["bob", "sam", "sue", "outsider"])
def test_everyone_else_gets_404(world, docs, client, who):
    img, pdf = docs
    client.force_login(getattr(world, who))
    for doc in docs:
        assert client.get(reverse("registry:right_document_download", args=[doc.pk])).status_code == 404
        assert client.get(reverse("registry:right_document_inline", args=[doc.pk])).status_code == 404


def test_anonymous_is_sent_to_login(world, docs, client):
    url = reverse("registry:right_document_download", args=[docs[0].pk])
    assert_login_redirect(client.get(url), url)


def test_a_pdf_is_never_served_inline(world, docs, client):
    client.force_login(world.alice)
    assert client.get(reverse("registry:right_document_inline", args=[docs[1].pk])).status_code == 404


def test_an_agent_whose_authorization_ended_gets_404(world, docs, client):
    BrandMember.objects.filter(user=world.agent).update(authorized_until=timezone.localdate() - timedelta(days=1))
    client.force_login(world.agent)
    assert client.get(reverse("registry:right_document_download", args=[docs[1].pk])).status_code == 404


def test_document_files_are_never_purged_as_unattached(world, docs):
    assert not evidence_unattached().exists()


# --- verification ----------------------------------------------------------------------------

def test_a_figurative_mark_without_its_image_cannot_be_verified(world, figurative, client):
    right_document_add(right=figurative, by=world.alice, role=DocumentRole.REGISTRATION_EXTRACT,
                       upload=upload("extract.pdf", PDF))
    with pytest.raises(RegistryError, match="figurative mark is verified against its image"):
        right_send_code(right=figurative, reviewer=world.rev1, correspondent_email="tm@record.example")
    client.force_login(world.rev1)
    page = client.get(reverse("registry:verification_detail", args=[figurative.pk])).content.decode()
    assert "has not uploaded the mark image" in page
    r = client.post(reverse("registry:verification_send_code", args=[figurative.pk]),
                    {"checked": "on", "correspondent_email": "tm@record.example"})
    assert r.status_code == 400
    assert "figurative mark is verified against its image" in r.content.decode()
    assert not figurative.verification_codes.exists() and not mail.outbox


def test_with_its_image_the_reviewer_sees_it_and_sends_the_code(world, figurative, docs, client):
    img, pdf = docs
    client.force_login(world.rev1)
    page = client.get(reverse("registry:verification_detail", args=[figurative.pk])).content.decode()
    assert f'src="{reverse("registry:right_document_inline", args=[img.pk])}"' in page
    assert reverse("registry:right_document_download", args=[pdf.pk]) in page
    assert "has not uploaded" not in page
    right_send_code(right=figurative, reviewer=world.rev1, correspondent_email="tm@record.example")
    assert figurative.verification_codes.count() == 1


def test_a_design_needs_a_design_image_and_a_word_mark_or_copyright_nothing(world, design, copyright_work):
    with pytest.raises(RegistryError, match="design is verified against its images"):
        right_send_code(right=design, reviewer=world.rev1, correspondent_email="d@record.example")
    right_document_add(right=design, by=world.alice, role=DocumentRole.DESIGN_IMAGE,
                       upload=upload("front.png", image("PNG")))
    right_send_code(right=design, reviewer=world.rev1, correspondent_email="d@record.example")
    right_send_code(right=copyright_work, reviewer=world.rev1, correspondent_email="c@record.example")
    word = PendingTrademarkFactory(brand=world.brand_a, name="ACME WORD", mark_type=MarkType.WORD)
    right_send_code(right=word, reviewer=world.rev1, correspondent_email="tm@record.example")


def test_the_holder_is_told_what_is_missing(world, figurative, client):
    client.force_login(world.alice)
    page = client.get(reverse("registry:right_detail", args=[figurative.pk])).content.decode()
    assert "Upload the mark image: a reviewer cannot verify this right without it." in page
