"""Browser test at phone width: someone who reported a copied photograph without an account is told
by e-mail of the seller's counter-notice and uploads the court filing from the notice's follow page
(a first try without the file comes back as typed)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Role
from complaints.models import OpenNotice
from complaints.open_notices import open_notice_confirm
from counter_notices.models import CounterNoticeStatus
from counter_notices.services import counter_notice_file

from ..conftest import claim_and_remove
from ..counter_notices.test_counter_notices import statements
from ..evidence.samples import PDF
from ..factories import ListingFactory, SellerMemberFactory, UserFactory
from .test_front_door import PHONE, fits

pytestmark = pytest.mark.browser


def test_an_open_notifier_uploads_the_court_filing_from_the_follow_link(browser, live_server, shot, tmp_path):
    sam = UserFactory(username="sam", role=Role.SELLER)
    listing = ListingFactory(seller=SellerMemberFactory(user=sam, seller__name="Northwind").seller,
                             external_id="L-778", title="Poster with Acme's product photograph")
    notice = OpenNotice.objects.create(
        name="Nora Notifier", email="nora@example.test", capacity="owner", kind="copyright",
        right_name="Acme product photographs", rights_owner="Acme Corp", listings=listing.external_id,
        explanation="The listing uses our photograph.", signature="Nora Notifier")
    case = open_notice_confirm(notice=notice).cases.get()
    claim_and_remove(case=case, reviewer=UserFactory(username="rev1", role=Role.REVIEWER),
                     code="cr_unauthorized_copy")
    counter = counter_notice_file(case=case, user=sam, statements=statements())
    told = next(m for m in reversed(mail.outbox) if m.to == ["nora@example.test"] and "Counter-notice" in m.subject)
    assert "/reports/cases/" not in told.body
    follow = re.search(r"on your notice's page: http://[^/\s]+(/notices/follow/\S+/)", told.body).group(1)

    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(follow)
    expect(page.get_by_test_id("counter-notice")).to_contain_text("Sam Seller")
    expect(page.get_by_role("heading", name="Show a court action")).to_be_visible()
    fits(page)
    page.get_by_label("Court and case number").fill("N.D. Cal. 3:27-cv-00001")
    page.get_by_role("button", name="Upload the filing").click()
    expect(page.locator("#id_evidence_upload_error")).to_contain_text("Upload the court filing")
    expect(page.get_by_label("Court and case number")).to_have_value("N.D. Cal. 3:27-cv-00001")
    fits(page)
    shot(page, "open-notice-answer-1-error")

    filing = tmp_path / "complaint-as-filed.pdf"
    filing.write_bytes(PDF)
    page.get_by_label("The court filing").set_input_files(str(filing))
    page.get_by_role("button", name="Upload the filing").click()
    expect(page.get_by_role("status").first).to_contain_text("Court filing uploaded")
    expect(page.get_by_test_id("counter-notice-status")).to_have_text(re.compile("filing", re.I))
    fits(page)
    shot(page, "open-notice-answer-2-uploaded")
    counter.refresh_from_db()
    assert counter.status == CounterNoticeStatus.FILING_REVIEW
    assert counter.evidence_links.get().file.original_name == "complaint-as-filed.pdf"
    context.close()
