"""E-mails at each step: who gets them and what they say (console backend swapped for locmem)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from enforcement.notifications import notification_send
from enforcement.services import appeal_decide, appeal_file
from enforcement.strikes import suspension_approve, suspension_lift

from ..conftest import claim_and_remove, file_report
from ..factories import BrandMemberFactory, SellerMemberFactory, UserFactory


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
    from enforcement.models import SuspensionProposal

    with django_capture_on_commit_callbacks(execute=True):
        for listing, reviewer in zip(people.listings_a, [people.rev1, people.rev2, people.rev1], strict=True):
            case = file_report(reporter=people.alice, right=people.tm_a, listings=[listing]).cases.get()
            claim_and_remove(case=case, reviewer=reviewer)
    proposal = SuspensionProposal.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        suspension_approve(proposal=proposal, senior=people.senior, reason="Three counterfeit takedowns in a month.")
    assert to("is suspended") == SELLER_SIDE
    assert "Three counterfeit takedowns in a month." in mail.outbox[0].body
    assert people.listings_a[2].external_id in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        suspension_lift(proposal=proposal, senior=people.senior, reason="Agreement with the brand.")
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
    from enforcement.models import Notification

    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])
    settings.EMAIL_BACKEND = "tests.enforcement.test_notifications.BrokenBackend"
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
    from enforcement.notifications import notifications_requeue_unsent

    settings.ENFORCEMENT_STALE_SECONDS = 120
    file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])  # on-commit dropped: lost
    assert mail.outbox == [] and notifications_requeue_unsent() == 0  # not stale yet
    time_machine.move_to(timezone.now() + timedelta(minutes=3))
    assert notifications_requeue_unsent() == 1  # eager: sent now
    assert to("received") == ["alice@example.test", "legal@example.test"]
    assert notifications_requeue_unsent() == 0
