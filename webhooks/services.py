"""Writes for marketplace webhooks: endpoints, the event outbox, delivery attempts, redelivery.

How a takedown is told to the marketplace: a worker applies the action (actions.services, or a
chunk in actions.bulk) and, in the same transaction, sends actions.events.actions_applied;
`on_actions_applied` here writes one event per applied action that changed its listing's status
(event_type_for gives its type, webhook_events_emit_many its payload, actions.events.action_event_id
its id) and one pending
delivery per subscribed endpoint, so a takedown is never applied without its event nor told twice.
After commit each delivery is sent, signed (signing.py), by a task; a failed attempt is retried
with backoff (retry_delay) for WEBHOOK_RETRY_WINDOW_SECONDS, the beat sweep re-queuing what is due.

Why attempts are not transitions: a failing receiver is retried ~25 times over 3 days, per event
and endpoint. Writing each attempt through transition() would append an audit entry per attempt
and every one would queue on the audit chain's head lock with the takedowns themselves. So only
the status changes a person cares about (delivered, failed, redelivered) go through
transition(); an attempt that leaves the row pending updates counters on the row, under a
conditional UPDATE fenced by `lease_token` (a stale or duplicate task message updates nothing).
"""

import json
import random
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.permissions import is_marketplace
from actions.events import AppliedAction, action_event_id
from actions.models import ActionKind
from audit.services import audit_append
from audit.transitions import transition
from common import dates
from common.db import insert_rows
from common.dispatch import enqueue_on_commit
from complaints.models import Decision
from listings.models import Listing, ListingStatus
from suspensions.models import Suspension

from . import client
from .models import (
    DeliveryStatus,
    EndpointStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookEventType,
)
from .signing import secret_generate, signature_header
from .states import DELIVERY_TRANSITIONS, ENDPOINT_TRANSITIONS


class WebhookError(Exception):
    """A refused request; `field` names the input at fault (None: the request as a whole)."""

    def __init__(self, field: str | None, message: str):
        self.field, self.message = field, message
        super().__init__(message)


def _lease() -> timedelta:
    return timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS)


def _enqueue_on_commit(delivery_id: int, token: int) -> None:
    # A broker outage must not undo the committed takedown: the lease expires and the beat sweep
    # queues the delivery again.
    enqueue_on_commit("enforcement.webhooks.tasks.deliver_webhook", delivery_id, token)


# --- endpoints ----------------------------------------------------------------------------


def _clean_url(url: str) -> str:
    """The forms, the API and the services refuse here what can be refused without DNS (a
    literal inside address, an internal name, http outside development); the name is checked
    again at every delivery (common.outbound), since what it resolves to can change."""
    url = (url or "").strip()
    refusal = client.url_refusal(url)
    if refusal:
        raise WebhookError("url", f"Receiver URL: {refusal}")
    return url


def _clean_event_types(event_types) -> list[str]:
    chosen = list(dict.fromkeys(event_types or []))
    if not chosen:
        raise WebhookError("event_types", "Choose at least one event type.")
    unknown = [t for t in chosen if t not in WebhookEventType.values]
    if unknown:
        raise WebhookError("event_types", f"Unknown event type {', '.join(map(str, unknown))}; choose from "
                                          f"{', '.join(WebhookEventType.values)}.")
    return sorted(chosen)


def webhook_endpoint_create(*, owner, url: str, event_types: list[str], description: str = "") -> WebhookEndpoint:
    """Register an endpoint (enabled, with a fresh secret) for a marketplace account."""
    if not is_marketplace(owner):
        raise WebhookError(None, "Only the marketplace's service account registers webhook endpoints.")
    url, event_types = _clean_url(url), _clean_event_types(event_types)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(owner=owner, url=url, event_types=event_types,
                                                  description=description.strip(), secret=secret_generate())
        audit_append(actor=owner, action="webhookendpoint.created", target=endpoint,
                     data={"url": url, "event_types": event_types})  # never the secret
    return endpoint


def webhook_endpoint_update(*, endpoint: WebhookEndpoint, actor, url: str | None = None,
                            event_types: list[str] | None = None, description: str | None = None) -> WebhookEndpoint:
    """Change the URL, description or subscribed event types; later events follow the change."""
    changes = {}
    if url is not None:
        changes["url"] = _clean_url(url)
    if event_types is not None:
        changes["event_types"] = _clean_event_types(event_types)
    if description is not None:
        changes["description"] = description.strip()
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        changed = {k: v for k, v in changes.items() if getattr(locked, k) != v}
        if changed:
            for name, value in changed.items():
                setattr(locked, name, value)
            locked.save(update_fields=[*changed, "updated_at"])
            audit_append(actor=actor, action="webhookendpoint.updated", target=locked, data=changed)
    return locked


def webhook_endpoint_rotate_secret(*, endpoint: WebhookEndpoint, actor) -> WebhookEndpoint:
    """Issue a new secret. The current one becomes the previous one and keeps signing (a second
    signature on every request) for WEBHOOK_SECRET_GRACE_SECONDS, so the receiver can switch."""
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        locked.previous_secret = locked.secret
        locked.previous_secret_expires_at = timezone.now() + timedelta(seconds=settings.WEBHOOK_SECRET_GRACE_SECONDS)
        locked.secret = secret_generate()
        locked.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"])
        audit_append(actor=actor, action="webhookendpoint.secret_rotated", target=locked,
                     data={"previous_valid_until": locked.previous_secret_expires_at})
    return locked


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    valid_previous = endpoint.previous_secret and endpoint.previous_secret_expires_at and \
        endpoint.previous_secret_expires_at > now
    return [endpoint.secret, endpoint.previous_secret] if valid_previous else [endpoint.secret]


def _endpoint_disable(*, endpoint_id: int, actor, reason: str) -> bool:
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
    if locked.status == EndpointStatus.DISABLED:
        return False
    transition(obj=locked, to=EndpointStatus.DISABLED, actor=actor, table=ENDPOINT_TRANSITIONS, field="status",
               changes={"disabled_reason": reason[:300], "disabled_at": timezone.now()}, data={"reason": reason})
    return True


def webhook_endpoint_disable(*, endpoint: WebhookEndpoint, actor) -> WebhookEndpoint:
    """Stop sending to this endpoint. Pending deliveries fail at their next attempt unless it is
    enabled again before then."""
    with transaction.atomic():
        if not _endpoint_disable(endpoint_id=endpoint.pk, actor=actor, reason=f"Disabled by {actor.username}."):
            raise WebhookError(None, "This endpoint is already disabled.")
    return WebhookEndpoint.objects.get(pk=endpoint.pk)


def webhook_endpoint_enable(*, endpoint: WebhookEndpoint, actor) -> WebhookEndpoint:
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if locked.status == EndpointStatus.ENABLED:
            raise WebhookError(None, "This endpoint is already enabled.")
        transition(obj=locked, to=EndpointStatus.ENABLED, actor=actor, table=ENDPOINT_TRANSITIONS, field="status",
                   changes={"disabled_reason": "", "disabled_at": None})
    return locked


# --- the outbox -----------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def event_type_for(action: AppliedAction) -> str | None:
    """The event an applied action tells: the listing's new status, or None when its status did
    not change (the marketplace hears only what it must show differently). Back to active, a
    reinstatement (a decision reversed) and a restoration (a suspension lifted) are told apart."""
    if not action.changed:
        return None
    if action.to_status == ListingStatus.REMOVED:
        return WebhookEventType.LISTING_REMOVED
    if action.to_status == ListingStatus.SUPPRESSED:
        return WebhookEventType.LISTING_SUPPRESSED
    return (WebhookEventType.LISTING_RESTORED if action.kind == ActionKind.UNSUPPRESS
            else WebhookEventType.LISTING_REINSTATED)


def on_actions_applied(sender, *, actions: list[AppliedAction], job_id: int | None, single: bool = False,
                       listings=None, decisions=None, **kwargs) -> None:
    """The receiver of actions.events.actions_applied (connected in WebhooksConfig.ready): the
    events and their deliveries are written in the transaction that applies the actions."""
    if single:
        webhook_event_emit(action=actions[0], job_id=job_id)
    else:
        webhook_events_emit_many(actions=actions, job_id=job_id, listings=listings, decisions=decisions)


def webhook_event_emit(*, action: AppliedAction, job_id: int | None = None) -> WebhookEvent | None:
    """Requires the open transaction in which the action is marked applied. Writes its event and
    one pending delivery per enabled endpoint subscribed to the type; deliveries are queued on
    commit. A second call for the same action is refused by the database (one event per action)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("webhook_event_emit must run in the transaction that applies the action")
    if event_type_for(action) is None:
        return None
    webhook_events_emit_many(actions=[action], job_id=job_id)
    event = WebhookEvent.objects.get(action_id=action.action_id)
    audit_append(actor=None, action="webhookevent.created", target=event,
                 data={"type": event.type, "action": action.action_id,
                       "endpoints": sorted(event.deliveries.values_list("endpoint_id", flat=True))})
    return event


def webhook_events_emit_many(*, actions: list[AppliedAction], job_id: int | None,
                             listings: dict[int, tuple[str, str]] | None = None,
                             decisions: dict[int, tuple[int, str, str]] | None = None) -> dict[int, str]:
    """The outbox for applied actions, of bulk job `job_id` if any: the events with one INSERT and
    their deliveries with another, queued on commit. The one place an event's payload is defined,
    for a single takedown or a chunk. `listings` ({id: (external id, seller's external id)}) and
    `decisions` ({id: (case id, reason code, statement)}) when the caller has read them already;
    read here otherwise. Requires the transaction that applies them. Returns {action id: event id}."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("webhook_events_emit_many must run in the transaction that applies the actions")
    actions = [a for a in actions if event_type_for(a) is not None]
    if not actions:
        return {}
    now = timezone.now()
    timestamp = _iso(now)
    if decisions is None:
        decisions = {pk: (case_id, code, statement) for pk, case_id, code, statement in Decision.objects.filter(
            pk__in={a.decision_id for a in actions} - {None}).values_list("id", "case_id", "reason_code", "statement")}
    if listings is None:
        listings = {pk: (ext, seller_ext) for pk, ext, seller_ext in Listing.objects.filter(
            pk__in=[a.listing_id for a in actions]).values_list("id", "external_id", "seller__external_id")}
    # A suspension's actions (no decision) carry its reason.
    suspension = (Suspension.objects.filter(Q(suspend_job=job_id) | Q(lift_job=job_id)).first()
                  if job_id is not None and any(a.decision_id is None for a in actions) else None)
    endpoints = list(WebhookEndpoint.objects.filter(status=EndpointStatus.ENABLED).order_by("id"))
    events, by_action = [], {}
    for a in actions:
        event_id, event_type = action_event_id(a.idempotency_key), event_type_for(a)
        ext, seller_ext = listings[a.listing_id]
        data = {"listing_external_id": ext, "seller_external_id": seller_ext}
        if a.decision_id is not None:
            case_id, code, statement = decisions[a.decision_id]
            data.update(case_ref=f"C-{case_id}", decision_id=a.decision_id, reason_code=code,
                        statement_of_reasons=statement)
        else:
            data.update(bulk_job_id=job_id, suspension_id=suspension.pk if suspension else None,
                        statement_of_reasons=(suspension.lift_reason if suspension and suspension.lift_job_id == job_id
                                              else suspension.reason if suspension else ""))
        events.append((event_id, event_type, a.action_id,
                       {"id": event_id, "type": event_type, "timestamp": timestamp, "data": data}))
        by_action[a.action_id] = event_id
    _events_insert(events, now)
    subscribed = [(event_id, e) for event_id, event_type, _, _ in events for e in endpoints
                  if event_type in e.event_types]
    if subscribed:
        for delivery_id in _deliveries_insert([(event_id, e.pk) for event_id, e in subscribed], now):
            _enqueue_on_commit(delivery_id, 1)
    return by_action


def _deliveries_insert(subscribed: list[tuple[str, int]], now: datetime) -> list[int]:
    """The pending deliveries of just-written events, one per (event id, endpoint id) in order, each
    leased to its first task (token 1). Returns their ids, in the same order. PostgreSQL: one
    INSERT … SELECT from two arrays, joined to the events by event id, RETURNING the ids (no read of
    the events' ids, no model instance per delivery); the ORM's bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        ids = dict(WebhookEvent.objects.filter(event_id__in=[event_id for event_id, _ in subscribed])
                   .values_list("event_id", "id"))
        return [d.pk for d in WebhookDelivery.objects.bulk_create([
            WebhookDelivery(event_id=ids[event_id], endpoint_id=endpoint_id, next_attempt_at=now + _lease(),
                            lease_token=1, window_started_at=now) for event_id, endpoint_id in subscribed],
            batch_size=1000)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {WebhookDelivery._meta.db_table} (event_id, endpoint_id, status, attempts,
                    next_attempt_at, lease_token, window_started_at, last_error, created_at, updated_at)
                SELECT e.id, v.endpoint_id, %s, 0, %s, 1, %s, '', %s, %s
                FROM unnest(%s::text[], %s::bigint[]) WITH ORDINALITY AS v(event_id, endpoint_id, n)
                JOIN {WebhookEvent._meta.db_table} e ON e.event_id = v.event_id
                ORDER BY v.n
                RETURNING id""",
            [DeliveryStatus.PENDING, now + _lease(), now, now, now,
             [event_id for event_id, _ in subscribed], [endpoint_id for _, endpoint_id in subscribed]])
        ids = [pk for (pk,) in cursor.fetchall()]
    if len(ids) != len(subscribed):  # as the ORM path's KeyError: an event that was not written
        raise RuntimeError(f"{len(subscribed) - len(ids)} webhook deliveries have no event")
    return ids


def on_seller_standing_changed(sender, *, suspension: Suspension, suspended: bool, **kwargs) -> WebhookEvent:
    """The receiver of suspensions.signals.seller_standing_changed: `seller.suspended` or
    `seller.reinstated`, written in the transaction that approves or lifts the suspension, with one
    pending delivery per subscribed endpoint. Its id is derived like an action's (action_event_id),
    from the suspension and the change, so it is told once."""
    now = timezone.now()
    event_type = WebhookEventType.SELLER_SUSPENDED if suspended else WebhookEventType.SELLER_REINSTATED
    event_id = action_event_id(f"suspension:{suspension.pk}:{'suspended' if suspended else 'reinstated'}")
    seller = suspension.seller
    data = {"seller_external_id": seller.external_id, "suspension_id": suspension.pk,
            "statement_of_reasons": suspension.reason if suspended else suspension.lift_reason}
    event = WebhookEvent.objects.create(event_id=event_id, type=event_type, action=None, payload={
        "id": event_id, "type": event_type, "timestamp": _iso(now), "data": data})
    endpoints = [e for e in WebhookEndpoint.objects.filter(status=EndpointStatus.ENABLED).order_by("id")
                 if event_type in e.event_types]
    for endpoint in endpoints:
        delivery = WebhookDelivery.objects.create(event=event, endpoint=endpoint, next_attempt_at=now + _lease(),
                                                  lease_token=1, window_started_at=now)
        _enqueue_on_commit(delivery.pk, 1)
    audit_append(actor=None, action="webhookevent.created", target=event,
                 data={"type": event_type, "suspension": suspension.pk, "endpoints": [e.pk for e in endpoints]})
    return event


def _events_insert(events: list[tuple[str, str, int, dict]], now: datetime) -> None:
    """The events (event_id, type, action id, payload), one multi-row INSERT per 1,000."""
    insert_rows(WebhookEvent._meta.db_table, ("event_id", "type", "action_id", "payload", "created_at"),
                [(eid, etype, aid, json.dumps(payload), now) for eid, etype, aid, payload in events])


def event_body(event: WebhookEvent) -> bytes:
    """The exact bytes sent and signed; the same for every attempt."""
    return json.dumps(event.payload, separators=(",", ":"), sort_keys=True).encode()


# --- delivery -------------------------------------------------------------------------------


def retry_delay(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff with jitter after `attempts` failed attempts: base·2^(n-1), capped,
    then scaled by a random factor in [0.5, 1] so receivers coming back are not hit all at once."""
    base, cap = settings.WEBHOOK_RETRY_BASE_SECONDS, settings.WEBHOOK_RETRY_MAX_SECONDS
    ceiling = min(cap, base * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=ceiling * (rng or random).uniform(0.5, 1.0))


def webhook_delivery_attempt(*, delivery_id: int, token: int) -> str:
    """Send one attempt of a delivery the caller holds `token` for, and record the answer.
    Idempotent: a duplicate or stale message ('stale') sends nothing. Returns the outcome."""
    now = timezone.now()
    # Claim: bumping the token makes any other message carrying `token` stale; the lease
    # (next_attempt_at) lets the sweep take the row back if this worker dies mid-request.
    claimed = WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING, lease_token=token).update(
        lease_token=F("lease_token") + 1, attempts=F("attempts") + 1, last_attempt_at=now,
        next_attempt_at=now + _lease(), updated_at=now)
    if not claimed:
        return "stale"
    token += 1
    delivery = WebhookDelivery.objects.select_related("event", "endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if endpoint.status != EndpointStatus.ENABLED:
        return _record(delivery_id=delivery_id, token=token,
                       result=client.PostResult(None, "Not sent: the endpoint is disabled."), final=True)
    body = event_body(delivery.event)
    timestamp = int(now.timestamp())
    headers = {
        "webhook-id": delivery.event.event_id, "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(secrets=signing_secrets(endpoint, now), msg_id=delivery.event.event_id,
                                              timestamp=timestamp, body=body),
    }
    result = client.post(url=endpoint.url, headers=headers, body=body,
                         connect_timeout=settings.WEBHOOK_CONNECT_TIMEOUT, read_timeout=settings.WEBHOOK_READ_TIMEOUT)
    return _record(delivery_id=delivery_id, token=token, result=result)


def _record(*, delivery_id: int, token: int, result: client.PostResult, final: bool = False) -> str:
    now = timezone.now()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.status != DeliveryStatus.PENDING or delivery.lease_token != token:
            return "stale"  # redelivered or re-leased while we were sending; that attempt records itself
        seen = {"last_response_code": result.status, "last_error": result.error[:300]}
        if result.status is not None and 200 <= result.status < 300:
            transition(obj=delivery, to=DeliveryStatus.DELIVERED, actor=None, table=DELIVERY_TRANSITIONS,
                       field="status", changes={**seen, "delivered_at": now, "next_attempt_at": None})
            return "delivered"
        if result.status == 410:
            transition(obj=delivery, to=DeliveryStatus.FAILED, actor=None, table=DELIVERY_TRANSITIONS,
                       field="status", changes={**seen, "next_attempt_at": None})
            _endpoint_disable(endpoint_id=delivery.endpoint_id, actor=None,
                              reason=f"The receiver answered 410 Gone on {dates.moment(now)} (asked us to stop).")
            return "gone"
        deadline = delivery.window_started_at + timedelta(seconds=settings.WEBHOOK_RETRY_WINDOW_SECONDS)
        if final or now >= deadline:
            if not final:
                gave_up = f"Gave up after {delivery.attempts} attempts over 3 days. Last: {result.error}"
                seen["last_error"] = gave_up[:300]
            transition(obj=delivery, to=DeliveryStatus.FAILED, actor=None, table=DELIVERY_TRANSITIONS,
                       field="status", changes={**seen, "next_attempt_at": None})
            return "failed"
        next_at = min(now + retry_delay(delivery.attempts), deadline)
        # Still pending: counters only (see the module docstring), fenced by the token.
        WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING, lease_token=token).update(
            next_attempt_at=next_at, updated_at=now, **seen)
        return "retry"


def webhook_deliveries_sweep(*, batch_size: int | None = None, max_batches: int = 20) -> int:
    """Queue every pending delivery that is due: retries whose time came, first attempts whose
    message was lost, attempts whose worker died (the lease ran out). Small batches, one
    transaction each; rows another sweep has locked are skipped. Returns how many were queued."""
    batch_size = batch_size or settings.WEBHOOK_SWEEP_BATCH
    queued = 0
    for _ in range(max_batches):
        now = timezone.now()
        with transaction.atomic():
            due = list(
                WebhookDelivery.objects.select_for_update(skip_locked=True)
                .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
                .order_by("next_attempt_at", "id").values_list("id", "lease_token")[:batch_size]
            )
            WebhookDelivery.objects.filter(pk__in=[pk for pk, _ in due]).update(
                lease_token=F("lease_token") + 1, next_attempt_at=now + _lease(), updated_at=now)
            for pk, token in due:
                _enqueue_on_commit(pk, token + 1)
        queued += len(due)
        if len(due) < batch_size:
            break
    return queued


# A test event: not a listing change, so not one of WebhookEventType (no endpoint subscribes to it);
# sent to the one endpoint asked, signed and delivered like any event.
TEST_EVENT_TYPE = "ping"


def webhook_endpoint_send_test(*, endpoint: WebhookEndpoint, actor) -> WebhookDelivery:
    """Send a signed test event ("ping") to this endpoint now, through the normal delivery path
    (outbound checks, signature, retries): its result shows in the endpoint's deliveries."""
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if locked.status != EndpointStatus.ENABLED:
            raise WebhookError(None, "Enable the endpoint first; nothing is sent to a disabled endpoint.")
        now = timezone.now()
        event_id = f"test_{uuid.uuid4().hex}"
        event = WebhookEvent.objects.create(event_id=event_id, type=TEST_EVENT_TYPE, action=None, payload={
            "id": event_id, "type": TEST_EVENT_TYPE, "timestamp": _iso(now),
            "data": {"endpoint_id": locked.pk, "message": "A test event from IP Portal: nothing changed."}})
        delivery = WebhookDelivery.objects.create(event=event, endpoint=locked, next_attempt_at=now + _lease(),
                                                  lease_token=1, window_started_at=now)
        audit_append(actor=actor, action="webhookendpoint.test_sent", target=locked, data={"event": event_id})
        _enqueue_on_commit(delivery.pk, 1)
    return delivery


def webhook_delivery_redeliver(*, delivery: WebhookDelivery, actor) -> WebhookDelivery:
    """Send a delivery again now, with the same webhook-id (receivers dedupe by it). A delivered
    or failed one goes back to pending with a fresh 3-day window; a pending one is sent now
    instead of at its scheduled time. Refused while the endpoint is disabled."""
    with transaction.atomic():
        locked = WebhookDelivery.objects.select_for_update(of=("self",)).select_related("endpoint").get(pk=delivery.pk)
        if locked.endpoint.status != EndpointStatus.ENABLED:
            raise WebhookError(None, "Enable the endpoint first; nothing is sent to a disabled endpoint.")
        now, token = timezone.now(), locked.lease_token + 1
        lease = {"lease_token": token, "next_attempt_at": now + _lease()}
        if locked.status == DeliveryStatus.PENDING:
            WebhookDelivery.objects.filter(pk=locked.pk).update(updated_at=now, **lease)
            audit_append(actor=actor, action="webhookdelivery.redeliver", target=locked, data={"status": "pending"})
        else:
            transition(obj=locked, to=DeliveryStatus.PENDING, actor=actor, table=DELIVERY_TRANSITIONS, field="status",
                       changes={**lease, "window_started_at": now, "delivered_at": None}, data={"redeliver": True})
        _enqueue_on_commit(locked.pk, token)
    return WebhookDelivery.objects.get(pk=delivery.pk)
