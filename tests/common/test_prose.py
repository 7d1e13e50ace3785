"""Free text on pages (common/templatetags/prose_tags.py): escaped first, then linked, then broken."""

from django.template import Context, Template

from common.templatetags.prose_tags import prose


def render(text: str) -> str:
    return Template("{% load prose_tags %}{{ text|prose }}").render(Context({"text": text}))


def test_it_escapes_markup_before_linking():
    html = render("<script>alert(1)</script> <img src=x onerror=alert(2)>")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_links_web_addresses_with_nofollow_noopener():
    html = render("See https://acme.example/proof?a=1&b=2.")
    assert html == ('See <a href="https://acme.example/proof?a=1&amp;b=2" rel="nofollow noopener" '
                    'class="wrap-anywhere">https://acme.example/proof?a=1&amp;b=2</a>.')


def test_an_address_cannot_break_out_of_its_href():
    html = prose('https://x.example/"onmouseover="alert(1) and https://y.example/<script>')
    assert 'href="https://x.example/"' in html
    assert 'onmouseover="' not in html
    assert 'href="https://y.example/"' in html and "<script>" not in html


def test_it_links_only_http_and_https():
    html = prose("javascript:alert(1) ftp://files.example/x data:text/html,hi")
    assert "<a " not in html


def test_it_keeps_line_breaks():
    assert prose("one\r\ntwo\nthree") == "one<br>two<br>three"
