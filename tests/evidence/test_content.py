import re

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


def test_a_text_file_with_markup_further_down_is_plain_text(settings):
    # Only the first KB is searched for markup; later text is served as text/plain with nosniff.
    data = b"order list\n" + b"x" * 2000 + b"\n<script>alert(1)</script>\n"
    assert detect(data).content_type == "text/plain"
