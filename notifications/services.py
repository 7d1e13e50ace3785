"""The e-mail outbox. A step (a decision, an appeal, a suspension…) records its e-mails as one
pending Notification row in its own transaction (`notify_on_commit`); a thin task renders and
sends them after commit, once; the beat sweep re-queues rows left unsent, so a statement of
reasons is never silently dropped.

What each step sends is written by the app that owns it, in its `mails.py` (registered with
`notifications.mails.step`); this module knows only kinds and ids."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from common.db import int_array
from common.dispatch import enqueue, enqueue_many_on_commit, enqueue_on_commit

from .mails import composer
from .models import Notification

SEND_TASK = "enforcement.tasks.send_notification"


def notify_on_commit(kind: str, object_id: int) -> None:
    """Requires the step's transaction. Records the step's e-mails as a pending Notification row
    and queues the task that sends them once the transaction commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify_on_commit must run inside the step's transaction")
    Notification.objects.get_or_create(kind=kind, object_id=object_id)
    # A broker outage must not turn the committed step into an error page: the row stays unsent
    # and notifications_requeue_unsent queues it again.
    enqueue_on_commit(SEND_TASK, kind, object_id)


def notify_many_on_commit(kind: str, object_ids) -> None:
    """notify_on_commit for many steps of one kind: one INSERT, one task each for the new rows (a
    row already there was queued when it was written; the sweep re-queues it if it stays unsent)."""
    ids = sorted(set(object_ids))
    if not ids:
        return
    if connection.vendor == "postgresql":
        # One statement that writes the missing rows and names them (an ingest batch's few hundred
        # steps: bulk_create's model instances and multi-row VALUES cost ~10x more).
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {Notification._meta.db_table} (kind, object_id, recipients, created_at) "
                "SELECT %s, unnest(%s::bigint[]), 0, %s ON CONFLICT DO NOTHING RETURNING object_id",
                [kind, int_array(ids), timezone.now()])
            new = sorted(row[0] for row in cursor.fetchall())
    else:
        known = set(Notification.objects.filter(kind=kind, object_id__in=ids).values_list("object_id", flat=True))
        new = [i for i in ids if i not in known]
        Notification.objects.bulk_create([Notification(kind=kind, object_id=i) for i in new], ignore_conflicts=True)
    enqueue_many_on_commit(SEND_TASK, [(kind, i) for i in new])


def notification_queued(*, kind: str, object_id: int) -> bool:
    """Whether the step's e-mails were recorded (sent or not)."""
    return Notification.objects.filter(kind=kind, object_id=object_id).exists()


def notifications_requeue_unsent() -> int:
    """Re-queue steps whose e-mails are still unsent after ENFORCEMENT_STALE_SECONDS (a lost
    message, a failed send). Returns how many."""
    cutoff = timezone.now() - timedelta(seconds=settings.ENFORCEMENT_STALE_SECONDS)
    rows = list(Notification.objects.filter(sent_at__isnull=True, created_at__lt=cutoff)
                .order_by("id").values_list("kind", "object_id")[:1000])
    for kind, object_id in rows:
        enqueue(SEND_TASK, kind, object_id)
    return len(rows)


def _render(template: str, context: dict) -> tuple[str, str]:
    text = render_to_string(template, context).strip()
    first, _, body = text.partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"{template} must start with a 'Subject:' line")
    return first.removeprefix("Subject:").strip(), body.strip() + "\n"


def notification_send(*, kind: str, object_id: int) -> int:
    """Render and send the e-mails of one step, once: a second call (a re-delivered message)
    sends nothing. Returns how many messages were sent."""
    with transaction.atomic():
        Notification.objects.get_or_create(kind=kind, object_id=object_id)
        # Race: two deliveries at once; the second waits on this lock, then finds it sent.
        row = Notification.objects.select_for_update().get(kind=kind, object_id=object_id)
        if row.sent_at is not None:
            return 0
        count = _send(kind=kind, object_id=object_id)  # raises: nothing recorded, the retry sends
        Notification.objects.filter(pk=row.pk).update(sent_at=timezone.now(), recipients=count)
    return count


def _send(*, kind: str, object_id: int) -> int:
    messages = []
    for mail in composer(kind)(object_id):
        step = mail.context.get("step", kind)
        subject, body = _render(f"emails/{step}_{mail.audience}.txt", mail.context)
        messages += [EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[address])
                     for address in mail.recipients]
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages) or 0
