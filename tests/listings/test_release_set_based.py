"""An ingest batch releases the automatic cases whose rule no longer matches their changed
listing together (decisions.automated.cases_release_automated: a few statements for the batch), and
writes what releasing them one by one (case_release_automated, then its reinstatement applied)
writes: the cases rejected, the decisions and their statements, the restrictions lifted, the
listings back up, the marketplace's webhook events, the e-mails and the cases' and decisions'
audit entries (ids and times aside). The reinstatements are one bulk job's, not one action each."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from actions.models import ActionKind, EnforcementAction, Restriction
from actions.services import action_apply
from audit.models import AuditEntry
from complaints.models import Case, CaseSource, Decision
from decisions import automated
from listings.ingest import ingest_batch
from listings.models import Listing
from monitoring import batch
from notifications.models import Notification
from webhooks.models import WebhookEvent

from ..factories import WebhookEndpointFactory
from ..monitoring.helpers import set_rules


def item(key, seller, title) -> dict:
    return {"external_id": f"R-{key}", "seller_external_id": seller.external_id, "title": title,
            "ships_from": "CN", "price": "19.90"}


def _one_by_one(*, case_ids):
    """The path of an ingest batch before: each case released, its reinstatement applied."""
    decided = []
    for case_id in case_ids:
        decision = automated.case_release_automated(case_id=case_id)
        if decision is None:
            continue
        decided.append(decision.pk)
        for action_id in EnforcementAction.objects.filter(decision=decision).values_list("pk", flat=True):
            action_apply(action_id=action_id)
    return decided


def _release(world, capture, *, prefix: str, count: int):
    """`count` listings suppressed by the Acme rule, then changed out of its reach in one batch
    (and one more listing that still matches: its case stays)."""
    with capture(execute=True):
        ingest_batch(listings=[item(f"{prefix}{i}", world.seller_b, f"ACME lamp {i}") for i in range(count + 1)])
    mail.outbox.clear()
    with capture(execute=True):
        ingest_batch(listings=[item(f"{prefix}{i}", world.seller_b, f"Lamp {i}") for i in range(count)]
                     + [item(f"{prefix}{count}", world.seller_b, f"ACME lamp {count}, brass")])
    listings = list(Listing.objects.filter(external_id__startswith=f"R-{prefix}").order_by("external_id"))
    return listings


def _snapshot(listings, prefix: str) -> dict:
    cases = list(Case.objects.filter(listing__in=listings, source=CaseSource.AUTOMATIC)
                 .order_by("listing__external_id"))
    decisions = list(Decision.objects.filter(case__in=cases).order_by("case__listing__external_id", "id"))

    def text(value: str) -> str:
        value = value.replace(f"R-{prefix}", "R-X")
        return re.sub(r"\d{4,}|#\d+|C-\d+", "N", value)

    audit = sorted((e.action, e.target_type, text(e.target_repr),
                    sorted((k, v if k not in ("case",) else "case") for k, v in e.data.items()))
                   for e in AuditEntry.objects.filter(
                       Q(target_type="complaints.case", target_id__in=[c.pk for c in cases])
                       | Q(target_type="complaints.decision", target_id__in=[d.pk for d in decisions])))
    return {
        "listings": [(text(li.external_id), li.status) for li in listings],
        "cases": [(text(c.listing.external_id), c.state) for c in cases],
        "decisions": [(text(d.case.listing.external_id), d.outcome, d.reason_code, d.automated, d.decided_by_id,
                       d.supersedes_id is not None, text(d.statement)) for d in decisions],
        "restrictions": sorted((text(r.listing.external_id), r.kind, r.lifted_at is not None)
                               for r in Restriction.objects.filter(case__in=cases)),
        "actions": sorted((text(a.listing.external_id), a.kind, a.status)
                          for a in EnforcementAction.objects.filter(case__in=cases)),
        "webhooks": sorted((e.type, text(e.payload.get("listing", {}).get("external_id", "")
                                         if isinstance(e.payload.get("listing"), dict) else ""))
                           for e in WebhookEvent.objects.filter(action__case__in=cases)),
        "notifications": sorted(n.kind for n in Notification.objects.filter(object_id__in=[d.pk for d in decisions])
                                if n.kind == "case_decided"),
        "mails": sorted((m.to[0], text(m.subject)) for m in mail.outbox),
        "audit": audit,
    }


@pytest.mark.postgres
def test_the_set_based_release_writes_what_releasing_one_by_one_writes(
        world, require_postgres, django_capture_on_commit_callbacks, monkeypatch):
    set_rules(world, django_capture_on_commit_callbacks)  # Acme: ships from DE or US only, suppress
    WebhookEndpointFactory(event_types=["listing.suppressed", "listing.reinstated"])
    together = _snapshot(_release(world, django_capture_on_commit_callbacks, prefix="S", count=3), "S")
    monkeypatch.setattr(batch, "cases_release_automated", _one_by_one)
    alone = _snapshot(_release(world, django_capture_on_commit_callbacks, prefix="O", count=3), "O")
    for key in together:
        assert together[key] == alone[key], key
    # What is compared is there: three released and reinstated, one still suppressed.
    assert [state for _, state in together["cases"]].count("rejected") == 3
    assert sum(lifted for *_, lifted in together["restrictions"]) == 3
    assert [kind for _, kind, _ in together["actions"]].count(ActionKind.REINSTATE) == 3
    assert together["notifications"] == ["case_decided"] * 3 and together["mails"]


@pytest.mark.postgres
def test_releasing_ten_cases_takes_as_many_statements_as_releasing_two(
        world, require_postgres, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks)
    counts = []
    for prefix, count in (("W", 1), ("A", 2), ("B", 10)):
        with django_capture_on_commit_callbacks(execute=True):
            ingest_batch(listings=[item(f"{prefix}{i}", world.seller_b, f"ACME lamp {i}") for i in range(count)])
        with django_capture_on_commit_callbacks(execute=False), CaptureQueriesContext(connection) as queries:
            ingest_batch(listings=[item(f"{prefix}{i}", world.seller_b, f"Lamp {i}") for i in range(count)])
        counts.append(len(queries.captured_queries))
        assert not Restriction.objects.filter(listing__external_id__startswith=f"R-{prefix}",
                                              lifted_at__isnull=True).exists()
    assert counts[1] == counts[2]
