"""Every main page of every role, on the demo data, on a 390 px phone and a 1280 px laptop: the page
never scrolls sideways (document scrollWidth <= viewport), axe-core finds no serious or critical
violation, free-text boxes carry their maximum length, and hostile text in an explanation is shown,
wrapped and linked, never run.

axe-core is vendored (tests/e2e/vendor/axe.min.js, from the npm package axe-core 4.10.3) so the
check runs offline.
"""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .pages import ROLES, axe_violations, main_pages, overflow
from .test_full_flow import PASSWORD

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)


def _login(context, username: str):
    page = context.new_page()
    if username != "anonymous":
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_test_id("whoami")).to_contain_text(username)
    return page


def _check_page(page, width: int) -> list[str]:
    problems = []
    wide = overflow(page)
    if wide:
        problems.append(f"wider than the screen: {wide}")
    if width == WIDTHS[0]:  # axe once per page: the phone, where scrolling regions appear
        problems += axe_violations(page)
    unbounded = page.evaluate("() => [...document.querySelectorAll('textarea:not([maxlength])')].map(t => t.name)")
    if unbounded:
        problems.append(f"text boxes without a maximum length: {unbounded}")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_main_page_fits_the_screen_and_passes_axe(browser, live_server, role):
    call_command("seed_demo", stdout=io.StringIO())
    pages = main_pages(role)
    assert len(pages) >= 3
    failures = []
    for width in WIDTHS:
        context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
        context.set_default_timeout(10_000)
        page = _login(context, role)
        for name, path in pages:
            response = page.goto(path)
            expected = 404 if name == "not-found" else 200
            if response.status != expected:
                failures.append(f"{width} px {name} {path}: answered {response.status}")
                continue
            failures += [f"{width} px {name} {path}: {p}" for p in _check_page(page, width)]
        context.close()
    assert failures == []


def test_hostile_text_is_escaped_wrapped_and_linked(browser, live_server):
    from .pages import LONG_URL, hostile_report

    call_command("seed_demo", stdout=io.StringIO())
    report = hostile_report("rights1")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 900})
    page = _login(context, "rights1")
    page.goto(f"/reports/{report.pk}/")
    assert page.evaluate("() => window.__xss") is None
    expect(page.get_by_text("<script>window.__xss = 1</script>", exact=False)).to_be_visible()
    link = page.locator(f'a[href="{LONG_URL}"]')
    expect(link).to_have_attribute("rel", "nofollow noopener")
    expect(page.locator('a[href^="javascript:"]')).to_have_count(0)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    context.close()


def test_the_queue_shows_source_and_holder_at_1280_and_the_add_buttons_fit_a_phone(browser, live_server):
    call_command("seed_demo", stdout=io.StringIO())
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = _login(context, "reviewer1")
    page.goto("/review/")
    box = page.locator(".results").bounding_box()
    for column in ("Source", "Holder"):
        header = page.get_by_role("columnheader", name=column).bounding_box()
        assert header["x"] + header["width"] <= box["x"] + box["width"] + 1, column
    context.close()

    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 900})
    page = _login(context, "rights1")
    page.goto("/reports/new/trademark/")
    page.get_by_label("Search keyword").fill("ACME")
    page.get_by_role("button", name="Search listings").click()
    add = page.locator("[data-add-listing]").first
    expect(add).to_be_visible()
    right = add.bounding_box()
    assert right["x"] + right["width"] <= 390
    add.click()
    expect(page.get_by_label("Listings")).to_have_value(add.get_attribute("data-add-listing"))
    context.close()
