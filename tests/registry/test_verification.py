"""One-time codes: sent to the correspondent on record, hashed, 7 days, 5 attempts, re-sendable."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import TestCase
from django.utils import timezone

from audit.models import AuditEntry
from registry.models import RightStatus, VerificationCode
from registry.services import (
    CODE_MAX_ATTEMPTS,
    RegistryError,
    right_confirm_code,
    right_reject,
    right_send_code,
    rights_expire_due,
)
from registry.tasks import expire_rights

from ..factories import PendingTrademarkFactory

pytestmark = pytest.mark.django_db


def send(right, reviewer, to="tm@office-record.example") -> str:
    """Send a code and return it as read from the email."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        right_send_code(right=right, reviewer=reviewer, correspondent_email=to)
    body = mail.outbox[-1].body
    return re.search(r"\b(\d{4}) (\d{4})\b", body).group(0)


@pytest.fixture
def pending(world):
    return PendingTrademarkFactory(brand=world.brand_a, name="ACME NOVA")


def test_the_code_goes_to_the_correspondent_and_only_its_hash_is_kept(world, pending):
    code = send(pending, world.rev1)
    assert mail.outbox[-1].to == ["tm@office-record.example"]
    record = VerificationCode.objects.get(right=pending)
    assert code.replace(" ", "") not in record.code_hash
    assert len(record.code_hash) == 64
    assert abs(record.expires_at - record.created_at - timedelta(days=7)) < timedelta(seconds=1)


def test_the_right_code_verifies_the_right(world, pending):
    code = send(pending, world.rev1)
    right_confirm_code(right=pending, by=world.alice, code=code)
    pending.refresh_from_db()
    assert pending.status == RightStatus.VERIFIED and pending.is_verified
    assert pending.verified_by == world.rev1
    assert AuditEntry.objects.filter(action="ipright.verified", target_id=pending.pk).exists()
    with pytest.raises(RegistryError):  # a used code does not work twice
        right_confirm_code(right=pending, by=world.alice, code=code)


def test_a_wrong_code_costs_an_attempt_and_says_how_many_are_left(world, pending):
    send(pending, world.rev1)
    with pytest.raises(RegistryError) as exc:
        right_confirm_code(right=pending, by=world.alice, code="0000 0000")
    assert exc.value.field == "code"
    assert f"{CODE_MAX_ATTEMPTS - 1} attempts left" in str(exc.value)
    assert VerificationCode.objects.get(right=pending).attempts == 1
    pending.refresh_from_db()
    assert pending.status == RightStatus.PENDING


def test_after_five_wrong_attempts_even_the_right_code_fails(world, pending):
    code = send(pending, world.rev1)
    for _ in range(CODE_MAX_ATTEMPTS):
        with pytest.raises(RegistryError):
            right_confirm_code(right=pending, by=world.alice, code="99999999")
    with pytest.raises(RegistryError) as exc:
        right_confirm_code(right=pending, by=world.alice, code=code)
    assert "Too many wrong attempts" in str(exc.value)
    pending.refresh_from_db()
    assert pending.status == RightStatus.PENDING


def test_an_expired_code_fails(world, pending):
    code = send(pending, world.rev1)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        with pytest.raises(RegistryError) as exc:
            right_confirm_code(right=pending, by=world.alice, code=code)
    assert "expired" in str(exc.value)


def test_a_code_still_works_on_day_six(world, pending):
    code = send(pending, world.rev1)
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        right_confirm_code(right=pending, by=world.alice, code=code)
    pending.refresh_from_db()
    assert pending.status == RightStatus.VERIFIED


def test_resending_invalidates_the_old_code_and_resets_attempts(world, pending):
    old = send(pending, world.rev1)
    with pytest.raises(RegistryError):
        right_confirm_code(right=pending, by=world.alice, code="11111111")
    new = send(pending, world.rev2)
    assert VerificationCode.objects.filter(right=pending, invalidated_at__isnull=True).count() == 1
    if old != new:
        with pytest.raises(RegistryError):
            right_confirm_code(right=pending, by=world.alice, code=old)
    right_confirm_code(right=pending, by=world.alice, code=new)
    pending.refresh_from_db()
    assert pending.verified_by == world.rev2


def test_no_code_sent_yet_is_said_plainly(world, pending):
    with pytest.raises(RegistryError) as exc:
        right_confirm_code(right=pending, by=world.alice, code="12345678")
    assert "No code is waiting" in str(exc.value)


def test_an_agent_cannot_enter_the_code(world, pending):
    code = send(pending, world.rev1)
    with pytest.raises(PermissionDenied):
        right_confirm_code(right=pending, by=world.agent, code=code)


def test_a_code_is_only_sent_by_reviewers_and_only_for_pending_rights(world, pending):
    with pytest.raises(PermissionDenied):
        right_send_code(right=pending, reviewer=world.alice, correspondent_email="x@example.test")
    with pytest.raises(RegistryError):
        right_send_code(right=world.tm_a, reviewer=world.rev1, correspondent_email="x@example.test")


def test_rejection_carries_the_reason_and_kills_the_code(world, pending):
    code = send(pending, world.rev1)
    right_reject(right=pending, reviewer=world.rev1, reason="The office record names another owner.")
    pending.refresh_from_db()
    assert pending.status == RightStatus.REJECTED
    assert pending.rejection_reason == "The office record names another owner."
    with pytest.raises(RegistryError):
        right_confirm_code(right=pending, by=world.alice, code=code)


def test_a_rejection_needs_a_reason(world, pending):
    with pytest.raises(RegistryError) as exc:
        right_reject(right=pending, reviewer=world.rev1, reason="no")
    assert exc.value.field == "reason"


def test_rights_expire_on_their_expiry_date_through_the_daily_task(world, pending):
    day = pending.expires_on
    world.tm_a.expires_on = day
    world.tm_a.save()
    with time_machine.travel(day - timedelta(days=1)):
        assert expire_rights.delay().get() == 0
    with time_machine.travel(day):
        assert expire_rights.delay().get() == 2
        assert rights_expire_due() == 0  # idempotent
    for right in (pending, world.tm_a):
        right.refresh_from_db()
        assert right.status == RightStatus.EXPIRED
    assert AuditEntry.objects.filter(action="ipright.expired", actor__isnull=True).count() == 2


def test_the_expiry_task_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["expire-ip-rights"]
    assert entry["task"] == "registry.tasks.expire_rights"
    assert entry["schedule"].hour == {0}
