"""PDFs are also read by a real parser (pypdf): JavaScript, launch actions and embedded files are
refused wherever they sit, with names as a reader decodes them."""

import io

import pytest
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from evidence.content import Refused, detect, pdf_parsed_active_name


def _pdf(build=None, **write) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if build:
        build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _open_action(kind: str):
    def build(writer):
        action = DictionaryObject({NameObject("/S"): NameObject(kind)})
        if kind == "/JavaScript":
            action[NameObject("/JS")] = TextStringObject("app.alert(1)")
        else:
            action[NameObject("/F")] = TextStringObject("calc.exe")
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return build


def _names_js(writer):
    from pypdf.generic import ArrayObject

    action = writer._add_object(DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                                                  NameObject("/JS"): TextStringObject("app.alert(1)")}))
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("x"), action])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})


def _page_aa(writer):
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("x")})
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(action)})


def test_a_clean_pdf_from_a_real_writer_is_accepted():
    data = _pdf()
    assert pdf_parsed_active_name(data) is None
    assert detect(data).content_type == "application/pdf"


@pytest.mark.parametrize("build, name", [
    (lambda w: _names_js(w), "JavaScript"),
    (_open_action("/JavaScript"), "JS"),
    (_open_action("/Launch"), "Launch"),
    (lambda w: w.add_attachment("payload.exe", b"MZ..."), "EmbeddedFiles"),
    (_page_aa, "JS"),
])
def test_active_content_is_found_by_the_parser(build, name):
    data = _pdf(build)
    assert pdf_parsed_active_name(data) in {name, "JavaScript", "JS", "EmbeddedFile", "EmbeddedFiles", "Launch"}
    with pytest.raises(Refused, match="active content"):
        detect(data)


def test_an_encrypted_pdf_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(Refused, match="encrypted"):
        pdf_parsed_active_name(out.getvalue())


@pytest.mark.django_db
def test_uploads_no_record_took_are_bounded_per_user(world, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evidence.services import evidence_accept

    settings.EVIDENCE_MAX_UNATTACHED_FILES = 2
    first = evidence_accept(uploaded_by=world.alice, uploads=[SimpleUploadedFile(f"{i}.txt", b"note %d" % i)
                                                              for i in range(3)])
    assert len(first.stored) == 2 and "not yet filed" in first.refusals[0]
    # Another user has a quota of their own.
    assert len(evidence_accept(uploaded_by=world.bob, uploads=[SimpleUploadedFile("b.txt", b"b")]).stored) == 1
    settings.EVIDENCE_MAX_UNATTACHED_FILES = 40
    settings.EVIDENCE_MAX_UNATTACHED_BYTES = 10
    big = evidence_accept(uploaded_by=world.alice, uploads=[SimpleUploadedFile("c.txt", b"x" * 20)])
    assert not big.stored and "not yet filed" in big.refusals[0]
