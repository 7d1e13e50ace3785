"""A notifier without an account answers the seller's counter-notice from the notice's follow link,
as a rights holder does from the case page: a court filing (copyright) or an answer with evidence."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.test import TestCase

from complaints.models import OpenNotice
from complaints.open_notices import open_notice_confirm, open_notice_follow_path
from counter_notices.models import CounterNoticeStatus
from counter_notices.services import counter_notice_file
from evidence.models import EvidenceFile

from ..conftest import claim_and_remove
from ..counter_notices.test_counter_notices import reviewed_statements, statements
from ..evidence.samples import PDF, upload

pytestmark = pytest.mark.django_db

FILED = datetime(2026, 12, 17, 15, 0, tzinfo=UTC)
ANSWERING = datetime(2026, 12, 21, 10, 0, tzinfo=UTC)


def pdf(name="filing.pdf"):
    return upload(name, PDF, "application/pdf")


def _notice(world, *, kind, listing, email="nora@example.test") -> OpenNotice:
    return OpenNotice.objects.create(
        name="Nora Notifier", email=email, capacity="owner", kind=kind, right_name="ACME photographs",
        rights_owner="Acme Corp", infringement_type="counterfeit" if kind == "trademark" else "",
        listings=listing.external_id, explanation="Our photographs, copied.", signature="Nora Notifier")


def _countered(world, *, kind="copyright", listing=None):
    """An open notice whose case was removed and then met by the seller's counter-notice."""
    with time_machine.travel(FILED, tick=False), TestCase.captureOnCommitCallbacks(execute=True):
        notice = _notice(world, kind=kind, listing=listing or world.listings_a[0])
        case = open_notice_confirm(notice=notice).cases.get()
        claim_and_remove(case=case, reviewer=world.rev1,
                         code="cr_unauthorized_copy" if kind == "copyright" else "tm_counterfeit")
        counter = counter_notice_file(case=case, user=world.sam,
                                      statements=statements() if kind == "copyright" else reviewed_statements())
    notice.refresh_from_db()
    return notice, case, counter


def _answer_url(notice, case) -> str:
    return open_notice_follow_path(notice) + f"cases/{case.pk}/answer/"


def test_the_notifier_uploads_a_court_filing_through_the_follow_page(world, client):
    notice, case, counter = _countered(world)
    with time_machine.travel(ANSWERING, tick=False):
        page = client.get(open_notice_follow_path(notice)).content.decode()
        assert "Show a court action" in page and _answer_url(notice, case) in page
        assert "Sam Seller" in page  # the counter-notice as the rights holder reads it
        resp = client.post(_answer_url(notice, case), {"note": "N.D. Cal. 3:27-cv-00001",
                                                         "evidence_upload": pdf()})
    assert resp.status_code == 302 and resp["Location"] == open_notice_follow_path(notice)
    counter.refresh_from_db()
    assert counter.status == CounterNoticeStatus.FILING_REVIEW
    assert counter.court_action_by == notice.report.reporter and counter.court_action_note == "N.D. Cal. 3:27-cv-00001"
    assert [e.file.original_name for e in counter.evidence_links.all()] == ["filing.pdf"]
    page = client.get(resp["Location"]).content.decode()
    assert "Court filing uploaded" in page and "Show a court action" not in page


def test_the_notifier_answers_a_trademark_counter_notice_with_evidence(world, client):
    notice, case, counter = _countered(world, kind="trademark")
    with time_machine.travel(ANSWERING, tick=False):
        page = client.get(open_notice_follow_path(notice)).content.decode()
        assert "Answer the counter-notice" in page and "Bought from Acme" in page
        resp = client.post(_answer_url(notice, case), {"answer": "Test buy 2026-77: a replica.",
                                                         "evidence_upload": pdf("test-buy.pdf")})
    assert resp.status_code == 302
    counter.refresh_from_db()
    assert counter.status == CounterNoticeStatus.FOR_DECISION
    assert counter.answer == "Test buy 2026-77: a replica." and counter.answered_by == notice.report.reporter
    assert [e.file.original_name for e in counter.evidence_links.all()] == ["test-buy.pdf"]


def test_another_notices_link_cannot_act_on_this_case(world, client):
    notice, case, counter = _countered(world)
    other, _, _ = _countered(world, listing=world.listings_a[1])
    with time_machine.travel(ANSWERING, tick=False):
        resp = client.post(_answer_url(other, case), {"note": "x", "evidence_upload": pdf()})
        forged = client.post(_answer_url(notice, case).replace("/follow/", "/follow/x"), {"note": "x"})
    assert resp.status_code == 404 and forged.status_code == 404
    counter.refresh_from_db()
    assert counter.status == CounterNoticeStatus.WAITING
    assert not EvidenceFile.objects.exclude(uploaded_by=world.sam).exists()  # nothing stored for the intruder
    assert client.get(_answer_url(notice, case)).status_code == 405


def test_a_bad_submit_keeps_what_was_typed_and_the_files(world, client):
    notice, case, counter = _countered(world, kind="trademark")
    typed = "Our test buy shows a replica."
    with time_machine.travel(ANSWERING, tick=False):
        # A file but no answer: refused on the answer, the file kept with the form.
        resp = client.post(_answer_url(notice, case), {"answer": "", "evidence_upload": pdf("test-buy.pdf")})
        html = resp.content.decode()
        assert resp.status_code == 400 and "Write your answer" in html
        kept = resp.context["rows"][0]["files"]
        assert [f.original_name for f in kept] == ["test-buy.pdf"] and "Kept: " in html
        # Typed text comes back too when the file is refused.
        program = upload("x.exe", b"MZ\x90", "application/x")
        resp = client.post(_answer_url(notice, case), {"answer": typed, "evidence": [kept[0].pk],
                                                         "evidence_upload": program})
        html = resp.content.decode()
        assert resp.status_code == 400 and typed in html and "test-buy.pdf" in html
        resp = client.post(_answer_url(notice, case), {"answer": typed, "evidence": [kept[0].pk]})
    assert resp.status_code == 302
    counter.refresh_from_db()
    assert counter.status == CounterNoticeStatus.FOR_DECISION
    assert [e.file_id for e in counter.evidence_links.all()] == [kept[0].pk]


def test_the_email_for_an_open_notice_points_to_the_follow_link(world):
    notice, case, _ = _countered(world)
    filed = [m for m in mail.outbox if m.to == ["nora@example.test"] and "Counter-notice" in m.subject]
    assert len(filed) == 1
    assert open_notice_follow_path(notice) in filed[0].body
    assert f"/reports/cases/{case.pk}/" not in filed[0].body
