"""A field in error names its error, and its help, to assistive technology: `aria-invalid="true"`
and an `aria-describedby` whose every id is on the page (the error list, the help text). Forms
rendered with Django's field group get it from Django 5.2; the fields the templates lay out by hand
(declarations, the country picker, the rules' country list, the webhook's events, the evidence
input) must do the same."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from ..webhooks.webhooks import marketplace_user

VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr", "area", "base", "col", "embed", "track"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.stack, self.described, self.invalid = {}, [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        node = {"tag": tag, "attrs": attrs, "classes": (attrs.get("class") or "").split()}
        if attrs.get("id"):
            self.ids[attrs["id"]] = node
        # What describes this element: its own aria-describedby, or a group around it (a fieldset of boxes).
        around = [n["attrs"]["aria-describedby"] for n in self.stack if n["attrs"].get("aria-describedby")]
        if attrs.get("aria-describedby"):
            self.described.append((tag, attrs.get("name") or attrs.get("id"), attrs["aria-describedby"]))
        if attrs.get("aria-invalid") == "true":
            self.invalid.append((attrs.get("name"), " ".join([attrs.get("aria-describedby") or "", *around])))
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i]["tag"] == tag:
                del self.stack[i:]
                return


def assert_errors_described(html: str) -> int:
    page = _Page()
    page.feed(html)
    for tag, name, ids in page.described:
        missing = [i for i in ids.split() if i not in page.ids]
        assert not missing, f"<{tag} {name}> aria-describedby names ids not on the page: {missing}"
    assert page.invalid, "no field in error: the test posts nothing wrong"
    for name, ids in page.invalid:
        errors = [i for i in ids.split() if i in page.ids and "errorlist" in page.ids[i]["classes"]]
        assert errors, f"the field {name!r} is marked invalid but its error is not referenced"
    return len(page.invalid)


def test_the_open_notice_form_names_each_error_and_help(client, db):
    response = client.post("/notices/", {"name": "", "email": "not-an-email", "website": ""})
    assert response.status_code in (200, 400)
    assert assert_errors_described(response.content.decode()) >= 3


def test_the_report_form_names_each_error_and_help(client, world):
    client.force_login(world.alice)
    response = client.post("/reports/new/trademark/", {"explanation": "", "action": "submit"})
    assert assert_errors_described(response.content.decode()) >= 3


def test_the_brand_form_country_picker_names_its_error(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("registry:brand_new"), {"name": "", "country": "XX"})
    html = response.content.decode()
    assert 'id="id_country_helptext"' in html or "id_country_helptext" not in html
    assert_errors_described(html)


def test_the_rules_country_list_names_its_error(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("registry:rules_edit", args=[world.brand_a.pk]),
                           {"countries": ["XX"], "countries_mode": "flag", "sellers_mode": "flag"})
    html = response.content.decode()
    assert ('role="group" aria-labelledby="countries-label" '
            'aria-describedby="id_countries_helptext id_countries_error"') in html
    assert_errors_described(html)


def test_the_webhook_events_name_their_error(client, db):
    client.force_login(marketplace_user())
    response = client.post("/marketplace/webhooks/", {"url": "", "event_types": ["no.such.event"]})
    html = response.content.decode()
    assert 'aria-describedby="id_event_types_error"' in html
    assert_errors_described(html)


@pytest.mark.parametrize("html", [
    '<input aria-invalid="true" name="x" aria-describedby="id_x_helptext"><div id="id_x_helptext">h</div>',
    '<input name="x" aria-describedby="id_x_error">',
])
def test_the_check_itself_catches_a_missing_or_unreferenced_error(html):
    with pytest.raises(AssertionError):
        assert_errors_described(html)
