"""The open notice form (DSA Art. 16): anyone without an account reports listings; the notice
enters the queue, in the lowest lane and with its source, only once the e-mail is confirmed."""

import re
import time
from unittest import mock

import pytest
from django.core import mail

from complaints.models import CaseSource, OpenNotice, Priority, Report
from complaints.open_notices import open_notice_confirm
from decisions.services import case_decide
from registry.models import Brand
from transparency.statements import _source_type

from ..conftest import claim

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_wait(settings):
    settings.FORM_MIN_SECONDS = 0


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    """Each request's after-commit work (the e-mails) runs, as it does outside a test transaction."""

    class Committing:
        def __getattr__(self, name):
            method = getattr(client, name)

            def call(*args, **kwargs):
                with django_capture_on_commit_callbacks(execute=True):
                    return method(*args, **kwargs)
            return call

    return Committing()


def _form(client, **overrides):
    page = client.get("/notices/")
    started = re.search(r'name="started" value="([^"]+)"', page.content.decode()).group(1)
    data = {
        "name": "Nora Notifier", "email": "Nora@Example.test", "capacity": "owner", "kind": "trademark",
        "right_name": "ACME", "rights_owner": "Acme Corp", "registration": "USPTO 5123456",
        "infringement_type": "counterfeit", "explanation": "These headphones are fakes bearing our mark.",
        "decl_good_faith": "on", "decl_accurate": "on", "decl_authority": "on", "signature": "Nora Notifier",
        "website": "", "started": started,
    }
    data.update(overrides)
    return data


def _confirm_link(message) -> str:
    return re.search(r"http://\S+/notices/confirm/\S+/", message.body).group(0).split("8000", 1)[-1]


def test_a_notice_waits_for_the_email_then_enters_the_lowest_lane_as_an_open_notice(client, world):
    listing = world.listings_a[0]
    resp = client.post("/notices/", _form(client, listings=f"https://shop.test/listing/{listing.external_id}/"))
    assert resp.status_code == 200 and "confirm your e-mail address" in resp.content.decode()
    notice = OpenNotice.objects.get()
    assert notice.email == "nora@example.test" and notice.report is None
    assert Report.objects.count() == 0  # nothing reaches the queue before the confirmation
    assert mail.outbox[-1].to == ["nora@example.test"]

    resp = client.get(_confirm_link(mail.outbox[-1]))
    assert resp.status_code == 302 and "/notices/follow/" in resp["Location"]
    notice.refresh_from_db()
    case = notice.report.cases.get()
    assert (case.listing, case.source, case.priority) == (listing, CaseSource.OPEN_NOTICE, Priority.UNREGISTERED)
    assert notice.report.brand.holds_open_notices and not notice.report.right.registered
    assert _source_type(case) == "SOURCE_ARTICLE_16"
    received = mail.outbox[-1]
    assert received.to == ["nora@example.test"] and "/notices/follow/" in received.body
    assert "/reports/" not in received.body  # no page the notifier cannot open

    follow = client.get(resp["Location"]).content.decode()
    assert "0 of 1 listing decided" in follow and listing.title in follow


def test_a_second_click_files_the_notice_once(client, world):
    client.post("/notices/", _form(client, listings=world.listings_a[0].external_id))
    link = _confirm_link(mail.outbox[-1])
    client.get(link)
    client.get(link)
    assert Report.objects.count() == 1


def test_the_notifier_gets_the_decision_with_the_follow_link(client, world, django_capture_on_commit_callbacks):
    client.post("/notices/", _form(client, listings=world.listings_a[0].external_id))
    follow_url = client.get(_confirm_link(mail.outbox[-1]))["Location"]
    case = OpenNotice.objects.get().report.cases.get()
    claim(case, world.rev1)
    with django_capture_on_commit_callbacks(execute=True):
        case_decide(case=case, reviewer=world.rev1, reason_code="tm_counterfeit", facts="Fake headphones.")
    decided = [m for m in mail.outbox if m.to == ["nora@example.test"] and "Decision" in m.subject]
    assert decided and "/notices/follow/" in decided[-1].body
    page = client.get(follow_url).content.decode()
    assert "1 of 1 listing decided" in page and "Remove listing" in page


def test_bad_input_names_the_field_and_keeps_what_was_typed(client, world):
    resp = client.post("/notices/", _form(client, listings="no-such-listing", email="not-an-email"))
    body = resp.content.decode()
    assert resp.status_code == 400
    assert "No listing found for: no-such-listing" in body and "valid email" in body
    assert "These headphones are fakes bearing our mark." in body  # nothing typed is lost
    assert OpenNotice.objects.count() == 0


def test_a_patent_cannot_be_relied_on_without_an_account(client, world):
    resp = client.post("/notices/", _form(client, kind="patent", listings=world.listings_a[0].external_id))
    assert resp.status_code == 400 and OpenNotice.objects.count() == 0


def test_the_honeypot_and_a_form_sent_at_once_are_refused(client, world, settings):
    resp = client.post("/notices/", _form(client, website="http://spam.test",
                                          listings=world.listings_a[0].external_id))
    assert resp.status_code == 400 and OpenNotice.objects.count() == 0
    settings.FORM_MIN_SECONDS = 3
    resp = client.post("/notices/", _form(client, listings=world.listings_a[0].external_id))
    assert resp.status_code == 400 and "Wait a few seconds" in resp.content.decode()
    assert OpenNotice.objects.count() == 0


def test_notices_are_rate_limited_per_address(client, world):
    for i in range(10):
        client.post("/notices/", _form(client, email=f"n{i}@example.test", listings=world.listings_a[0].external_id))
    assert OpenNotice.objects.count() == 10
    resp = client.post("/notices/", _form(client, email="late@example.test", listings=world.listings_a[0].external_id))
    assert resp.status_code == 400 and "Too many notices" in resp.content.decode()
    assert OpenNotice.objects.count() == 10


def test_forged_and_tampered_links_open_nothing(client, world):
    client.post("/notices/", _form(client, listings=world.listings_a[0].external_id))
    link = _confirm_link(mail.outbox[-1])
    assert client.get(link[:-3] + "xx/").status_code == 400
    assert client.get("/notices/follow/1/").status_code == 404
    assert Report.objects.count() == 0


def test_the_follow_link_is_one_link_per_notice_and_links_mailed_before_still_open(client, world):
    from django.core import signing

    from complaints.open_notices import open_notice_follow_path

    client.post("/notices/", _form(client, listings=world.listings_a[0].external_id))
    notice = OpenNotice.objects.get()
    first = open_notice_follow_path(notice)
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 3600):
        assert open_notice_follow_path(notice) == first  # an hour on, the same link
    client.get(_confirm_link(mail.outbox[-1]))
    assert client.get(first).status_code == 200
    stamped = signing.dumps(notice.pk, salt="complaints.open_notices.follow")  # how links were signed before
    assert client.get(f"/notices/follow/{stamped}/").status_code == 200
    forged = signing.Signer(salt="another.salt").sign(str(notice.pk))
    assert client.get(f"/notices/follow/{forged}/").status_code == 404


def test_a_real_brand_named_like_the_open_notices_brand_never_receives_them(world):
    Brand.objects.create(name="Notices from the public", owner_company="X", country="US")
    notice = OpenNotice.objects.create(
        name="N", email="n@example.test", capacity="owner", kind="copyright", right_name="Photo",
        rights_owner="N", listings=world.listings_a[0].external_id, explanation="Copied photo of mine.",
        signature="N")
    report = open_notice_confirm(notice=notice)
    assert report.brand.holds_open_notices and report.brand.name != "Notices from the public"


def test_the_form_page_is_public_and_refuses_other_methods(client):
    assert client.get("/notices/").status_code == 200
    assert client.put("/notices/").status_code == 405


def test_a_reviewer_cannot_ask_a_notifier_without_an_account_a_question(world):
    from datetime import timedelta

    from django.utils import timezone

    from review.info_requests import InfoRequestError, case_request_info

    notice = OpenNotice.objects.create(
        name="N", email="n@example.test", capacity="owner", kind="copyright", right_name="Photo",
        rights_owner="N", listings=world.listings_a[0].external_id, explanation="Copied photo of mine.",
        signature="N")
    case = open_notice_confirm(notice=notice).cases.get()
    claim(case, world.rev1)
    with pytest.raises(InfoRequestError, match="without an account"):
        case_request_info(case=case, reviewer=world.rev1, question="Proof?",
                          deadline=timezone.now() + timedelta(days=2))


def test_the_reviewer_sees_a_notice_from_the_public_with_the_notifiers_words(world, client):
    notice = OpenNotice.objects.create(
        name="Nora Notifier", email="nora@example.test", capacity="agent", kind="trademark", right_name="ACME",
        rights_owner="Acme Audio Inc.", infringement_type="counterfeit", listings=world.listings_a[0].external_id,
        explanation="Fake ACME headphones.", signature="Nora Notifier")
    case = open_notice_confirm(notice=notice).cases.get()
    client.force_login(world.rev1)
    page = client.get(f"/review/cases/{case.pk}/").content.decode()
    assert "from the public" in page and "Nora Notifier (nora@example.test)" in page
    assert "Rights owner: Acme Audio Inc." in page and "an agent authorized by the rights owner" in page
    # Named by what they typed; the stand-in account reads "Member of the public (open notice)" wherever
    # it shows (timelines), never its hashed username.
    assert "<dt>Reporter</dt><dd>Nora Notifier, an agent" in page


def test_the_stand_in_account_never_shows_and_every_mail_to_the_notifier_carries_the_follow_link(
        client, world, django_capture_on_commit_callbacks):
    from appeals.services import appeal_file

    client.post("/notices/", _form(client, listings=world.listings_a[0].external_id))
    follow_path = client.get(_confirm_link(mail.outbox[-1]))["Location"].split("?")[0]
    case = OpenNotice.objects.get().report.cases.get()
    claim(case, world.rev1)
    with django_capture_on_commit_callbacks(execute=True):
        case_decide(case=case, reviewer=world.rev1, reason_code="tm_counterfeit", facts="Fake headphones.")
    with django_capture_on_commit_callbacks(execute=True):
        appeal_file(case=case, user=world.sam, statement="They are genuine: invoice attached.")
    to_nora = [m for m in mail.outbox if m.to == ["nora@example.test"]]
    subjects = " | ".join(m.subject for m in to_nora)
    assert "removed" in subjects and "appealed" in subjects  # the enforcement and the appeal reached her
    for message in to_nora:
        assert "notifier-" not in message.body and "notifier-" not in message.subject
        if "Confirm" not in message.subject:
            assert follow_path in message.body, message.subject
    client.force_login(world.rev2)
    page = client.get(f"/review/cases/{case.pk}/").content.decode()
    assert "notifier-" not in page
    assert "Member of the public (open notice) · Case opened" in page  # the timeline says who, in words
    assert "Nora Notifier" in page  # the reviewer still reads the notifier's own name in the report's facts
