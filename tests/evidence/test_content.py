import re
import zlib

import pytest

from evidence.content import Refused, detect

from .samples import accepted_samples, image, refused_samples


@pytest.mark.parametrize("kind", accepted_samples())
def test_each_allowed_type_is_recognised_by_its_content(settings, kind):
    _, data, content_type = accepted_samples()[kind]
    assert detect(data).content_type == content_type


@pytest.mark.parametrize("kind", refused_samples())
def test_each_refused_kind_says_what_it_is(settings, kind):
    _, data, words = refused_samples()[kind]
    with pytest.raises(Refused, match=re.escape(words)):
        detect(data)


def test_an_image_records_its_dimensions(settings):
    detected = detect(image("PNG", size=(123, 45)))
    assert (detected.width, detected.height) == (123, 45)


def test_a_jpeg_named_png_is_a_jpeg(settings):
    # The name is never consulted; what matters is that the bytes are a real image.
    assert detect(image("JPEG")).content_type == "image/jpeg"


@pytest.mark.parametrize("size", [(10_001, 1), (1, 10_001)])
def test_an_image_wider_or_taller_than_the_bound_is_refused(settings, size):
    with pytest.raises(Refused, match=r"is 10,001 × 1 pixels|is 1 × 10,001 pixels"):
        detect(image("PNG", size=size, mode="1"))


def test_an_image_over_the_megapixel_bound_is_refused_before_decoding(settings):
    # 6,400 × 6,400 = 40.96 MP: each side within 10,000 but more pixels than allowed (a bomb's shape).
    with pytest.raises(Refused, match="40 megapixels"):
        detect(image("PNG", size=(6_400, 6_400), mode="1"))


def test_the_bounds_are_settings(settings):
    settings.EVIDENCE_MAX_IMAGE_SIDE = 30
    with pytest.raises(Refused, match="at most 30 × 30 pixels"):
        detect(image("PNG", size=(40, 30)))


def test_a_text_file_with_markup_further_down_is_refused():
    # The whole text is searched, not the first KB: markup after 1,024 bytes used to pass.
    data = b"order list\n" + b"x" * 200_000 + b"\n<script>alert(1)</script>\n"
    with pytest.raises(Refused, match="HTML or XML"):
        detect(data)


def test_a_text_file_without_markup_is_plain_text():
    assert detect(b"order list\n" + b"a < b and c > d\n" * 10_000).content_type == "text/plain"


def _pdf_with(body: bytes) -> bytes:
    return b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + body + b"\n%%EOF\n"


@pytest.mark.parametrize("body,name", [
    (b"3 0 obj\n<< /S /J#61vaScript /JS (app.alert(1)) >>\nendobj", "JavaScript"),
    (b"3 0 obj\n<< /S /#4C#61unch /F (calc.exe) >>\nendobj", "Launch"),
    (b"3 0 obj\n<< /Type /Filespec /EF << /F 4 0 R >> /#45mbeddedFile 4 0 R >>\nendobj", "EmbeddedFile"),
], ids=["javascript-escaped", "launch-escaped", "embedded-file-escaped"])
def test_pdf_names_are_read_with_their_escapes_decoded(body, name):
    with pytest.raises(Refused, match=f"active content \\(/{name}\\)"):
        detect(_pdf_with(body))


def _object_stream(objects: bytes, *, compress=True) -> bytes:
    content = zlib.compress(objects) if compress else objects
    filter_ = b"/Filter /FlateDecode " if compress else b"/Filter /LZWDecode "
    return (b"5 0 obj\n<< /Type /ObjStm /N 1 /First 4 " + filter_ + b"/Length " + str(len(content)).encode()
            + b" >>\nstream\n" + content + b"\nendstream\nendobj")


def test_javascript_inside_a_compressed_object_stream_is_found():
    with pytest.raises(Refused, match="active content"):
        detect(_pdf_with(_object_stream(b"3 0 << /S /JavaScript /JS (app.alert(1)) >>")))
    with pytest.raises(Refused, match="active content"):
        detect(_pdf_with(_object_stream(b"3 0 << /S /J#61vaScript /JS (x) >>")))


def test_a_clean_object_stream_passes_and_one_that_cannot_be_read_is_refused():
    assert detect(_pdf_with(_object_stream(b"3 0 << /Type /Page /Parent 2 0 R >>"))).content_type == \
        "application/pdf"
    with pytest.raises(Refused, match="cannot inspect"):
        detect(_pdf_with(_object_stream(b"3 0 << /Type /Page >>", compress=False)))


def test_an_object_stream_that_inflates_too_far_is_refused(monkeypatch):
    import evidence.content as content

    monkeypatch.setattr(content, "PDF_MAX_INFLATED_BYTES", 10_000)
    with pytest.raises(Refused, match="too large once decompressed"):
        detect(_pdf_with(_object_stream(b" " * 50_000)))
