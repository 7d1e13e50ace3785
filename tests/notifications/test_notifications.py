"""E-mails at each step: who gets them and what they say (console backend swapped for locmem)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from actions.bulk import actions_apply_chunk
from actions.models import ActionStatus, BulkJobStatus
from actions.services import action_retry, actions_fail_chunk
from actions.tasks import apply_action_chunk
from appeals.services import appeal_decide, appeal_file
from decisions import mails as decision_mails
from decisions.report_jobs import report_cases_decide
from decisions.tasks import decide_report_cases
from notifications.models import Notification
from notifications.services import notification_send, notifications_requeue_unsent
from suspensions.services import suspension_approve, suspension_lift

from ..conftest import claim, claim_and_remove, file_report
from ..factories import BrandMemberFactory, ListingFactory, SellerMemberFactory, UserFactory


@pytest.fixture
def people(world):
    """Give everyone a distinct address; a second seller member and a second brand admin."""
    for user in (world.alice, world.agent, world.bob, world.sam, world.sue):
        user.email = f"{user.username}@example.test"
        user.save(update_fields=["email"])
    world.sam2 = SellerMemberFactory(seller=world.seller_a, user=UserFactory(username="sam2", role="seller",
                                                                              email="sam2@example.test")).user
    world.alice2 = BrandMemberFactory(brand=world.brand_a, role="admin",
                                      user=UserFactory(username="alice2", role="rights_holder",
                                                       email="alice2@example.test")).user
    return world


def sent(subject_part=""):
    return sorted((m.to[0], m.subject) for m in mail.outbox if subject_part in m.subject)


def to(subject_part):
    return sorted(address for address, _ in sent(subject_part))


REPORTER_SIDE = ["alice2@example.test", "alice@example.test", "legal@example.test"]
SELLER_SIDE = ["sam2@example.test", "sam@example.test"]


def test_the_reporter_and_brand_admins_hear_the_report_was_received(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = file_report(reporter=people.agent, right=people.tm_a, listings=people.listings_a[:2])
    assert to("received") == sorted(["agent@example.test", *REPORTER_SIDE])  # the agent filed; admins, not bob
    body = mail.outbox[0].body
    assert report.reference in body and people.listings_a[0].external_id in body
    assert all(m.to[0] not in SELLER_SIDE for m in mail.outbox)  # the seller is not told of a report


def test_nothing_is_sent_when_the_report_is_rolled_back(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            file_report(reporter=people.alice, right=people.tm_a, listings=people.listings_a[:1])
            raise RuntimeError("something later in the same transaction failed")
    assert mail.outbox == []


def test_a_removal_tells_both_sides_with_the_reasons_then_that_it_was_enforced(people,
                                                                                django_capture_on_commit_callbacks):
    case = file_report(reporter=people.alice, right=people.tm_a, listings=people.listings_a[:1]).cases.get()
    with django_capture_on_commit_callbacks(execute=True):
        decision = claim_and_remove(case=case, reviewer=people.rev1)
    assert to("Decision on") == REPORTER_SIDE
    assert to("is being removed") == SELLER_SIDE
    seller_mail = next(m for m in mail.outbox if m.to == ["sam@example.test"] and "being removed" in m.subject)
    assert decision.statement in seller_mail.body and f"/seller/notices/{case.pk}/" in seller_mail.body
    assert "Replica sold at 9.99." in seller_mail.body
    # The takedown applied (eager task on commit) is the "enforced" step.
    assert to("removed from the marketplace") == SELLER_SIDE
    assert to(f"Listing {case.listing.external_id} removed (") == REPORTER_SIDE
    assert "sue@example.test" not in to("") and "bob@example.test" not in to("")


def test_a_suppression_tells_the_seller_with_the_reasons_too(people, django_capture_on_commit_callbacks):
    case = file_report(reporter=people.alice, right=people.tm_a, listings=people.listings_a[:1]).cases.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decision = claim_and_remove(case=case, reviewer=people.rev1, code="tm_suppress_unclear")
    assert to("Decision on") == REPORTER_SIDE
    assert to("is hidden from buyers") == SELLER_SIDE
    seller_mail = next(m for m in mail.outbox if "hidden from buyers" in m.subject)
    assert decision.statement in seller_mail.body and f"/seller/notices/{case.pk}/" in seller_mail.body
    assert "being removed" not in seller_mail.body


def test_a_rejection_tells_only_the_reporter_side(people, django_capture_on_commit_callbacks):
    case = file_report(reporter=people.alice, right=people.tm_a, listings=people.listings_a[:1]).cases.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        claim_and_remove(case=case, reviewer=people.rev1, code="no_infringement")
    assert to("") == REPORTER_SIDE
    assert "Reject report" in mail.outbox[0].subject


def test_appeal_filed_decided_and_reinstated(people, django_capture_on_commit_callbacks):
    case = file_report(reporter=people.alice, right=people.tm_a, listings=people.listings_a[:1]).cases.get()
    with django_capture_on_commit_callbacks(execute=True):
        claim_and_remove(case=case, reviewer=people.rev1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appeal = appeal_file(case=case, user=people.sam, statement="Bought from the brand's distributor.")
    assert to("Appeal filed") == SELLER_SIDE
    assert "Bought from the brand's distributor." in next(m.body for m in mail.outbox if "Appeal filed" in m.subject)
    assert to("The seller appealed") == REPORTER_SIDE
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ruling = appeal_decide(appeal=appeal, senior=people.senior, reason_code="appeal_genuine_goods",
                               facts="Distributor invoice checked.")
    assert to("Your appeal on") == SELLER_SIDE and "was granted" in sent("Your appeal")[0][1]
    assert to("Appeal on") == REPORTER_SIDE
    assert all(ruling.statement in m.body for m in mail.outbox if "ppeal" in m.subject)
    assert to("reinstated") == sorted(SELLER_SIDE + REPORTER_SIDE)


def test_a_suspension_and_its_lifting_are_told_to_the_seller(people, django_capture_on_commit_callbacks):
    from suspensions.models import Suspension

    with django_capture_on_commit_callbacks(execute=True):
        for listing, reviewer in zip(people.listings_a, [people.rev1, people.rev2, people.rev1], strict=True):
            case = file_report(reporter=people.alice, right=people.tm_a, listings=[listing]).cases.get()
            claim_and_remove(case=case, reviewer=reviewer)
    proposal = Suspension.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        suspension_approve(suspension=proposal, senior=people.senior, reason="Three counterfeit takedowns in a month.")
    assert to("is suspended") == SELLER_SIDE
    assert "Three counterfeit takedowns in a month." in mail.outbox[0].body
    assert people.listings_a[2].external_id in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        suspension_lift(suspension=proposal, senior=people.senior, reason="Agreement with the brand.")
    assert to("is lifted") == SELLER_SIDE


def test_people_without_an_address_are_skipped(world, django_capture_on_commit_callbacks):
    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1],
                         contact_email="x@y.test")
    world.alice.email = ""
    world.alice.save(update_fields=["email"])
    assert notification_send(kind="report_received", object_id=report.pk) == 1
    assert mail.outbox[-1].to == ["x@y.test"]


def test_a_step_sent_twice_is_mailed_once(world):
    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])
    assert notification_send(kind="report_received", object_id=report.pk) == 2  # alice, legal@
    assert notification_send(kind="report_received", object_id=report.pk) == 0  # the redelivered message
    assert len(mail.outbox) == 2


def test_a_failed_send_is_not_recorded_so_the_retry_sends(world, settings):
    from notifications.models import Notification

    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])
    settings.EMAIL_BACKEND = "tests.notifications.test_notifications.BrokenBackend"
    with pytest.raises(ConnectionError):
        notification_send(kind="report_received", object_id=report.pk)
    assert Notification.objects.get().sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_send(kind="report_received", object_id=report.pk) == 2


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_messages(self, messages):
        raise ConnectionError("SMTP server unreachable")


def test_a_lost_message_is_sent_by_the_sweep(world, settings, time_machine):
    from notifications.services import notifications_requeue_unsent

    settings.ENFORCEMENT_STALE_SECONDS = 120
    file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])  # on-commit dropped: lost
    assert mail.outbox == [] and notifications_requeue_unsent() == 0  # not stale yet
    time_machine.move_to(timezone.now() + timedelta(minutes=3))
    assert notifications_requeue_unsent() == 1  # eager: sent now
    assert to("received") == ["alice@example.test", "legal@example.test"]
    assert notifications_requeue_unsent() == 0


# --- A decision applied to a whole report (enforcement.bulk_decide): summaries, not one e-mail a case


def _decide_report(case, reviewer, capture, code="tm_counterfeit"):
    """The reviewer decides `case` for the whole report (as the view does); its own e-mails and
    takedown go out, the job's walk is left for the test to run. Returns the job."""
    claim(case, reviewer)
    with mock.patch("decisions.tasks.decide_report_cases.delay"), capture(execute=True):
        job = report_cases_decide(case=case, reviewer=reviewer, reason_code=code,
                                  facts="The same replica in each listing.").job
    return job


def _walk(job, capture):
    with capture(execute=True):  # the walk, its chunks' takedowns and the e-mails, eagerly
        decide_report_cases.delay(job.pk)
    job.refresh_from_db()


def test_a_report_decided_at_once_mails_the_reporter_one_summary_and_each_seller_per_case_and_once(
        people, django_capture_on_commit_callbacks):
    report = file_report(reporter=people.alice, right=people.tm_a, listings=[*people.listings_a, *people.listings_b])
    cases = list(report.cases.order_by("id"))  # seller A: 0, 1, 2; seller B: 3, 4
    claim(cases[1], people.rev2)  # held by another reviewer when the walk reaches it
    mail.outbox.clear()
    job = _decide_report(cases[0], people.rev1, django_capture_on_commit_callbacks)
    # The reviewer's own case: its usual e-mails to both sides, and its takedown's.
    assert to(f"Decision on {cases[0].reference}") == REPORTER_SIDE
    assert to("is being removed") == SELLER_SIDE
    assert to(f"Listing {cases[0].listing.external_id} removed") == sorted(REPORTER_SIDE + SELLER_SIDE)
    with django_capture_on_commit_callbacks(execute=True):  # another reviewer decides one meanwhile
        claim_and_remove(case=cases[3], reviewer=people.rev2)
    mail.outbox.clear()

    _walk(job, django_capture_on_commit_callbacks)

    assert (job.cases_total, job.cases_decided, job.cases_skipped, job.cases_held, job.done, job.failed,
            job.status) == (4, 2, 2, 1, 2, 0, BulkJobStatus.FINISHED)
    reporter_mails = [m for m in mail.outbox if m.to[0] in REPORTER_SIDE]
    assert sorted(m.to[0] for m in reporter_mails) == REPORTER_SIDE  # one summary each, no mail per case
    subject, body = reporter_mails[0].subject, reporter_mails[0].body
    assert subject == f"Report {report.reference}: Remove listing applied to 2 more listings"
    assert f"A reviewer decided listing {cases[0].listing.external_id} of your report {report.reference}" in body
    assert "Reason: Counterfeit goods bearing the registered mark" in body
    assert "Facts: The same replica in each listing." in body
    assert "Listings decided: 2 of 4\nListings skipped: 2\n" in body
    assert "- 1 held by another reviewer, who decides it on its own" in body
    assert "- 1 no longer open when reached (decided meanwhile by another reviewer" in body
    assert "Listings removed from the marketplace: 2\n" in body and "could not change" not in body
    assert f"Follow the report: {settings.SITE_URL}/reports/{report.pk}/" in body
    # Sellers: the statement of reasons for each listing the walk decided, then one list per seller.
    assert sent("is being removed") == sorted([
        ("sam2@example.test", f"Your listing {cases[2].listing.external_id} is being removed ({cases[2].reference})"),
        ("sam@example.test", f"Your listing {cases[2].listing.external_id} is being removed ({cases[2].reference})"),
        ("sue@example.test", f"Your listing {cases[4].listing.external_id} is being removed ({cases[4].reference})"),
    ])
    assert all(cases[2].listing.external_id in m.body or cases[4].listing.external_id in m.body
               for m in mail.outbox if "is being removed" in m.subject)
    assert sent(" removed from the marketplace") == sorted([
        (address, f"Your listing {cases[2].listing.external_id} removed from the marketplace")
        for address in SELLER_SIDE] + [
        ("sue@example.test", f"Your listing {cases[4].listing.external_id} removed from the marketplace")])
    seller_a = next(m.body for m in mail.outbox if m.to == ["sam@example.test"] and "Your listing" in m.subject
                    and "is being removed" not in m.subject)
    assert f'- {cases[2].listing.external_id} "{cases[2].listing.title}"\n' in seller_a
    assert cases[4].listing.external_id not in seller_a and cases[0].listing.external_id not in seller_a
    assert f"{settings.SITE_URL}/seller/notices/" in seller_a and "Counterfeit goods" in seller_a
    assert len(mail.outbox) == 3 + 3 + 3  # summaries to the reporter side, per case and summary to sellers
    assert Notification.objects.filter(kind="report_enforced").count() == 2  # one per seller

    # Everything delivered again (a redelivered walk or chunk, the sweeps, the tasks) sends nothing.
    mail.outbox.clear()
    ids = list(job.actions.order_by("id").values_list("id", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        decide_report_cases.delay(job.pk)
        apply_action_chunk.delay(job.pk, ids[0], ids[-1])
    for row in Notification.objects.exclude(kind="report_received"):  # filed outside the capture: never sent
        assert notification_send(kind=row.kind, object_id=row.object_id) == 0
    assert notifications_requeue_unsent() == 0 and mail.outbox == []


def test_a_sellers_summary_names_the_first_listings_and_counts_the_rest(people, monkeypatch,
                                                                         django_capture_on_commit_callbacks):
    monkeypatch.setattr(decision_mails, "SUMMARY_LINES", 2)
    listings = [ListingFactory(seller=people.seller_a) for _ in range(6)]
    report = file_report(reporter=people.alice, right=people.tm_a, listings=listings)
    job = _decide_report(report.cases.order_by("id").first(), people.rev1, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    _walk(job, django_capture_on_commit_callbacks)
    [summary] = [m for m in mail.outbox if m.to == ["sam@example.test"] and "of your listings" in m.subject]
    assert summary.subject == "5 of your listings removed from the marketplace"
    assert summary.body.count("\n- ") == 2 and "… and 3 more\n" in summary.body
    assert listings[1].external_id in summary.body and listings[5].external_id not in summary.body


def test_a_takedown_that_failed_is_counted_and_mailed_on_its_own_once_retried(people,
                                                                               django_capture_on_commit_callbacks):
    report = file_report(reporter=people.alice, right=people.tm_a, listings=people.listings_a)
    cases = list(report.cases.order_by("id"))
    job = _decide_report(cases[0], people.rev1, django_capture_on_commit_callbacks)
    with mock.patch("actions.tasks.apply_action_chunk.delay"):  # the walk's chunk is left to us
        _walk(job, django_capture_on_commit_callbacks)
    applied, failing = job.actions.order_by("id")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions_apply_chunk(job_id=job.pk, first_id=applied.pk, last_id=applied.pk)
        actions_fail_chunk(job_id=job.pk, first_id=failing.pk, last_id=failing.pk, error="Marketplace timeout")
    job.refresh_from_db()
    assert (job.done, job.failed, job.status) == (1, 1, BulkJobStatus.FINISHED)
    body = next(m.body for m in mail.outbox if m.to == ["alice@example.test"])
    assert "Listings removed from the marketplace: 1\nListings the marketplace could not change yet: 1" in body
    seller = [m for m in mail.outbox if m.to == ["sam@example.test"]]
    assert len(seller) == 1 and applied.listing.external_id in seller[0].subject
    assert failing.listing.external_id not in seller[0].body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # a person retries; it is applied now
        action_retry(action=failing, actor=people.rev1)
    failing.refresh_from_db()
    job.refresh_from_db()
    assert failing.status == ActionStatus.APPLIED and job.status == BulkJobStatus.FINISHED
    # The summaries went out without it: it is told on its own, as a single takedown; they are not resent.
    assert to(f"Listing {failing.listing.external_id} removed") == sorted(REPORTER_SIDE + SELLER_SIDE)
    assert len(mail.outbox) == 5


def test_a_rejection_applied_to_a_report_tells_the_reporter_in_one_summary_and_sellers_nothing(
        people, django_capture_on_commit_callbacks):
    report = file_report(reporter=people.alice, right=people.tm_a, listings=[*people.listings_a, *people.listings_b])
    mail.outbox.clear()
    job = _decide_report(report.cases.order_by("id").first(), people.rev1, django_capture_on_commit_callbacks,
                         code="no_infringement")
    assert to("Decision on") == REPORTER_SIDE and len(mail.outbox) == 3  # the reviewer's own case, as ever
    mail.outbox.clear()
    _walk(job, django_capture_on_commit_callbacks)
    assert (job.cases_decided, job.total, job.status) == (4, 0, BulkJobStatus.FINISHED)
    assert to("") == REPORTER_SIDE  # the summary only: no seller hears of a rejected report
    assert mail.outbox[0].subject == f"Report {report.reference}: Reject report applied to 4 more listings"
    body = mail.outbox[0].body
    assert "Decision: Reject report\nReason: The listing does not infringe the mark" in body
    assert "Listings decided: 4 of 4\n" in body and "skipped" not in body and "marketplace" not in body
    assert not Notification.objects.filter(kind__in=["case_decided_seller", "report_enforced"]).exists()


def test_a_walk_that_stopped_says_the_rest_stay_in_the_queue(people, monkeypatch, django_capture_on_commit_callbacks):
    from decisions import report_jobs as bulk_decide

    monkeypatch.setattr(bulk_decide, "CASES_PER_CHUNK", 2)
    listings = [ListingFactory(seller=people.seller_a) for _ in range(5)]
    report = file_report(reporter=people.alice, right=people.tm_a, listings=listings)
    job = _decide_report(report.cases.order_by("id").first(), people.rev1, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        bulk_decide.report_job_walk(job_id=job.pk, budget_seconds=0)  # one chunk, then the worker is gone
        bulk_decide.report_job_stop(job_id=job.pk, error="rev1 is no longer an active reviewer.")
    body = next(m.body for m in mail.outbox if m.to == ["alice@example.test"])
    assert "Listings decided: 2 of 4\nListings skipped: 2\n" in body
    assert "- 2 not reached before the decision stopped, or no longer open: those still open stay in the review queue" \
        in body
    assert "no longer an active reviewer" not in body  # the job page's detail, not the reporter's


@pytest.mark.django_db(transaction=True)
def test_many_steps_are_recorded_once_and_only_the_new_ones_queued_after_commit():
    # notify_many_on_commit: one row per step; a step already recorded (queued when it was written)
    # is not queued again; the new ones are queued once each, and only once the transaction commits.
    from notifications.services import SEND_TASK, notify_many_on_commit

    Notification.objects.create(kind="case_decided", object_id=2)
    Notification.objects.create(kind="action_applied", object_id=3)  # another kind: no bearing
    queued = []
    with mock.patch("common.dispatch.task") as task:
        task.return_value.delay.side_effect = lambda *args: queued.append(args)
        with transaction.atomic():
            notify_many_on_commit("case_decided", [3, 1, 2, 3])
            assert queued == []  # not before the commit
        assert {call.args[0] for call in task.call_args_list} == {SEND_TASK}
    assert queued == [("case_decided", 1), ("case_decided", 3)]
    assert sorted(Notification.objects.filter(kind="case_decided").values_list("object_id", "sent_at")) == [
        (1, None), (2, None), (3, None)]
    assert Notification.objects.get(kind="case_decided", object_id=1).created_at is not None
