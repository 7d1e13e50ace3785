"""The rulings people wait for reach them by e-mail, once, after commit: a counter-notice filed (to
the rights holder, with what to do and by when), a senior's ruling on a trademark counter-notice, a
reviewer's check of a court filing, a senior's ruling on a suspension appeal (to the seller side
and, where a rights holder is concerned, the reporter side), and a suspected criminal offence
flagged on a case (DSA Art. 18, to the senior reviewers)."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from accounts.models import Role
from counter_notices.services import (
    counter_notice_answer,
    counter_notice_decide,
    counter_notice_file,
    court_action_show,
    court_filing_review,
)
from legal.services import offence_flag
from notifications.models import Notification
from notifications.services import notification_send
from suspensions.services import suspension_appeal_decide, suspension_appeal_file, suspension_approve

from ..conftest import file_report
from ..counter_notices.test_counter_notices import pdf, reviewed_statements, statements
from ..factories import UserFactory
from ..suspensions.test_strikes import proposed  # noqa: F401  (fixture)
from ..views import removed_case

FILED = datetime(2026, 12, 17, 15, 0, tzinfo=UTC)
SELLER_SIDE = ["sam@example.test"]
REPORTER_SIDE = ["alice@example.test", "legal@example.test"]  # the reporter (a brand admin) and the report's contact


@pytest.fixture(autouse=True)
def _holidays(settings):
    settings.BUSINESS_HOLIDAYS = ["2026-12-25", "2027-01-01"]


def to(subject_part):
    return sorted(m.to[0] for m in mail.outbox if subject_part in m.subject)


def body_for(address, subject_part):
    [message] = [m for m in mail.outbox if m.to == [address] and subject_part in m.subject]
    return message.body


@pytest.mark.parametrize("kind, subject, words", [
    ("copyright", "act by Monday 4 January 2027",
     ["upload the filing by Monday 4 January 2027", "the listing is reinstated on Tuesday 5 January 2027"]),
    ("trademark", "answer by Monday 4 January 2027",
     ["The seller says: “The goods are genuine: I can show invoices",
      "answer with your evidence by Monday 4 January 2027", "nothing is restored without"]),
])
def test_a_filed_counter_notice_tells_the_rights_holder_once_through_the_outbox(
        world, kind, subject, words, settings, django_capture_on_commit_callbacks):
    with time_machine.travel(FILED, tick=False):
        case = removed_case(world, kind=kind)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            notice = counter_notice_file(case=case, user=world.sam,
                                         statements=statements() if kind == "copyright" else reviewed_statements())
        assert mail.outbox == []  # nothing before commit
        for callback in callbacks:
            callback()
    assert [m.to for m in mail.outbox] == [["legal@example.test"]]  # the report's contact
    [message] = mail.outbox
    assert message.subject == f"Counter-notice on {case.reference}: {subject}"
    assert f"listing {case.listing.external_id} filed a counter-notice" in message.body
    assert f"your report {case.report.reference} (case {case.reference})" in message.body
    assert all(w in message.body for w in words), message.body
    assert f"{settings.SITE_URL}/reports/cases/{case.pk}/" in message.body
    assert Notification.objects.get(kind="counter_notice_filed", object_id=notice.pk).sent_at is not None
    # A second delivery of the task sends nothing more.
    assert notification_send(kind="counter_notice_filed", object_id=notice.pk) == 0
    assert len(mail.outbox) == 1


def test_a_counter_notice_rolled_back_is_not_mailed(world, django_capture_on_commit_callbacks):
    case = removed_case(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            counter_notice_file(case=case, user=world.sam, statements=reviewed_statements())
            raise RuntimeError("a later step failed")
    assert mail.outbox == []
    assert not Notification.objects.filter(kind="counter_notice_filed").exists()


@pytest.fixture
def for_decision(world, django_capture_on_commit_callbacks):
    """A trademark counter-notice by sam, answered by alice: waiting for a senior."""
    with time_machine.travel(FILED, tick=False):
        case = removed_case(world)
        notice = counter_notice_file(case=case, user=world.sam, statements=reviewed_statements())
    with time_machine.travel(datetime(2027, 1, 4, 12, tzinfo=UTC), tick=False):
        counter_notice_answer(notice=notice, user=world.alice, answer="Test purchase: fake hologram.")
    mail.outbox.clear()
    return notice


@pytest.mark.parametrize("reinstate", [True, False])
def test_a_counter_notice_ruling_tells_the_seller_and_the_rights_holder_once_with_its_reasons(
        world, for_decision, reinstate, django_capture_on_commit_callbacks):
    reason = "The distributor's invoice matches the serial numbers." if reinstate else "No invoice was shown."
    with django_capture_on_commit_callbacks(execute=True):
        counter_notice_decide(notice=for_decision, senior=world.senior, reinstate=reinstate, reason=reason)
    word = "granted" if reinstate else "rejected"
    assert to(f"was {word}") == SELLER_SIDE
    assert to(f"Counter-notice on {for_decision.case.reference}") == REPORTER_SIDE
    seller = body_for("sam@example.test", word)
    assert reason in seller and f"/seller/notices/{for_decision.case_id}/" in seller
    assert ("being reinstated" if reinstate else "The removal stands") in seller and "What happens next" in seller
    reporter = body_for("legal@example.test", "Counter-notice on")
    assert reason in reporter and f"/reports/cases/{for_decision.case_id}/" in reporter
    assert not [m for m in mail.outbox if m.to[0] in ("senior@example.test", "bob@example.test", "sue@example.test")]
    # A second delivery of the task sends nothing more.
    assert notification_send(kind="counter_notice_decided", object_id=for_decision.pk) == 0


def test_nothing_is_sent_when_the_ruling_rolls_back(world, for_decision, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            counter_notice_decide(notice=for_decision, senior=world.senior, reinstate=False, reason="No invoice.")
            raise RuntimeError("a later step failed")
    assert mail.outbox == []
    assert not Notification.objects.filter(kind="counter_notice_decided").exists()


@pytest.fixture
def filing_shown(world):
    with time_machine.travel(FILED, tick=False):
        case = removed_case(world, kind="copyright")
        notice = counter_notice_file(case=case, user=world.sam, statements=statements())
    with time_machine.travel(datetime(2027, 1, 4, 18, tzinfo=UTC), tick=False):
        court_action_show(notice=notice, user=world.alice, note="N.D. Cal. 3:27-cv-00001", filing=pdf(world.alice))
    mail.outbox.clear()
    return notice


def test_a_confirmed_court_filing_tells_both_sides_the_listing_stays_down(world, filing_shown,
                                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        court_filing_review(notice=filing_shown, reviewer=world.rev2, confirm=True, note="Filed against the seller.")
    assert to("court action was shown") == SELLER_SIDE
    assert to("was confirmed") == REPORTER_SIDE
    assert "Filed against the seller." in body_for("sam@example.test", "court action")
    assert "stays off the marketplace" in body_for("alice@example.test", "confirmed")


def test_each_rejected_court_filing_is_told_once_with_its_own_reasons(world, filing_shown,
                                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        court_filing_review(notice=filing_shown, reviewer=world.rev1, confirm=False, note="A recipe, not a filing.")
    assert to("not accepted") == sorted(SELLER_SIDE + REPORTER_SIDE)
    seller = body_for("sam@example.test", "not accepted")
    assert "A recipe, not a filing." in seller and "Tuesday 5 January 2027" in seller
    # The rights holder tries again; the second check is a second step with its own words.
    with time_machine.travel(datetime(2027, 1, 4, 19, tzinfo=UTC), tick=False):
        court_action_show(notice=filing_shown, user=world.alice, note="The real one", filing=pdf(world.alice, "b.pdf"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        court_filing_review(notice=filing_shown, reviewer=world.rev1, confirm=False, note="Another court's seal.")
    assert to("not accepted") == sorted(SELLER_SIDE + REPORTER_SIDE)
    assert "Another court's seal." in body_for("legal@example.test", "not accepted")
    assert "A recipe" not in body_for("legal@example.test", "not accepted")


@pytest.fixture
def appealed(world, proposed, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        suspension = suspension_approve(suspension=proposed, senior=world.senior2, reason="Three counterfeits.")
    suspension_appeal_file(suspension=suspension, user=world.sam, statement="Two strikes were reversed.")
    mail.outbox.clear()
    return suspension


@pytest.mark.parametrize("grant", [True, False])
def test_a_suspension_appeal_ruling_tells_the_seller_once(world, appealed, grant, django_capture_on_commit_callbacks):
    uninvolved = UserFactory(username="senior3", role=Role.SENIOR_REVIEWER)
    with django_capture_on_commit_callbacks(execute=True):
        suspension_appeal_decide(suspension=appealed, senior=uninvolved, grant=grant, reason="Strikes reversed.")
    assert [m.to for m in mail.outbox] == [SELLER_SIDE]  # one e-mail: no separate "lifted" one
    [message] = mail.outbox
    assert ("granted: the suspension is lifted" if grant else "denied: the suspension stays") in message.subject
    assert "Strikes reversed." in message.body and "What happens next" in message.body
    assert "/seller/" in message.body


def test_a_flagged_offence_is_mailed_to_every_other_senior_reviewer(world, django_capture_on_commit_callbacks):
    UserFactory(username="retired", role=Role.SENIOR_REVIEWER, is_active=False)
    case = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1]).cases.get()
    with django_capture_on_commit_callbacks(execute=True):
        flag = offence_flag(case=case, reviewer=world.senior, threat="health", suspicion="Fake insulin pens.")
    assert to("Suspected criminal offence") == ["senior2@example.test"]  # not the flagger, not inactive
    [message] = mail.outbox
    assert "Fake insulin pens." in message.body and f"/legal/offences/{flag.pk}/" in message.body
    assert case.reference in message.subject


def test_a_flag_rolled_back_is_not_mailed(world, django_capture_on_commit_callbacks):
    case = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1]).cases.get()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            offence_flag(case=case, reviewer=world.rev1, threat="life", suspicion="Threats in the listing.")
            raise RuntimeError("a later step failed")
    assert mail.outbox == []
