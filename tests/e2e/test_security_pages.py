"""The pages added for security and abuse, in Chromium at 390 px and 1280 px: a seller's appeal that
failed keeps its file (shown as kept, with Remove) and files it on the next try; the senior's
held-brands page; the administrators' sign-in help. None scrolls sideways; axe finds nothing serious."""

import pytest
from playwright.sync_api import expect

from appeals.models import AppealEvidence
from complaints.models import Sanction, SanctionLevel
from complaints.sanctions import sanction_confirm
from registry.services import brand_create
from tests.evidence.samples import PDF

from ..factories import UserFactory
from ..views import removed_case
from .pages import axe_violations, overflow
from .test_full_flow import PASSWORD, Sessions

pytestmark = pytest.mark.browser
WIDTHS = (390, 1280)


def _fits(page, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert overflow(page) is None, f"{name} at {width}px: {overflow(page)}"
        assert axe_violations(page) == [], f"{name} at {width}px"


def test_security_pages_work_and_fit(transactional_db, browser, live_server, world, tmp_path):
    case = removed_case(world)
    sanction = Sanction.objects.create(level=SanctionLevel.SUSPENSION, figures={}, reason="Unfounded.",
                                       brand=world.brand_a)
    sanction_confirm(sanction=sanction, senior=world.senior)
    held = brand_create(user=world.agent, name="Acme Two With A Rather Long Name For Phones", website="",
                       owner_company="Acme", country="US")
    admin = UserFactory(username="admin", is_staff=True)
    invoice = tmp_path / "supplier-invoice-2026-with-a-long-file-name.pdf"
    invoice.write_bytes(PDF)
    for user in (world.sam, world.senior, admin):
        user.set_password(PASSWORD)  # the sessions helper logs in with the demo password
        user.save(update_fields=["password"])
    people = Sessions(browser, live_server.url)

    page = people.page("sam")
    page.goto(f"/seller/notices/{case.pk}/")
    page.get_by_label("Evidence files").set_input_files(str(invoice))
    page.get_by_role("button", name="File appeal").click()
    expect(page.get_by_test_id("carried-files")).to_contain_text("Kept: supplier-invoice-2026")
    _fits(page, "failed appeal")
    page.get_by_label("Why the decision is wrong").fill("Bought from the brand's distributor; invoice attached.")
    page.get_by_role("button", name="File appeal").click()
    expect(page.get_by_text("Appeal filed.")).to_be_visible()
    assert AppealEvidence.objects.get().file.original_name == invoice.name

    page = people.page("senior")
    page.goto("/registry/held-brands/")
    expect(page.get_by_test_id(f"held-{held.pk}")).to_contain_text("Acme, whose notices are suspended")
    _fits(page, "held brands")

    page = people.page("admin")
    page.goto("/account/staff/sign-in/?q=rev1")
    expect(page.get_by_role("heading", name="rev1")).to_be_visible()
    _fits(page, "sign-in help")
