"""A report-wide decision's chunk decides its cases together (decisions.report_jobs._decide_set: a
few statements per chunk) and writes what deciding them one by one (_decide_one, the reviewer's
own path) writes. The same report shape decided both ways must leave the same rows: cases,
decisions and their statements, actions, restrictions, strikes per event, the suspension the
threshold proposes, e-mails, webhook events and audit entries (ids and times aside)."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db.models import Q
from django.utils import timezone

from actions.models import BulkJob, EnforcementAction, Restriction
from audit.models import AuditEntry
from complaints.models import Case, CaseState, Decision
from decisions import report_jobs
from decisions.report_jobs import report_cases_decide
from decisions.tasks import decide_report_cases
from listings.models import Listing
from notifications.models import Notification
from suspensions.models import Strike, StrikeDecision, Suspension
from webhooks.models import WebhookEvent

from ..conftest import claim, file_report
from ..factories import ListingFactory, SellerMemberFactory, WebhookEndpointFactory

# Report-wide decisions of each outcome kind: a removal (strikes), a suppression, a rejection.
REASONS = ["tm_counterfeit", "tm_suppress_unclear", "no_infringement"]


def _decide_report(world, monkeypatch, *, one_by_one: bool, reason_code: str, capture):
    """A report of 7 listings of two sellers, each already one strike short of a suspension: the
    reviewer decides the first case for all; one case is theirs already, one another reviewer
    holds. Chunks of 2, every task run (the chunks applied, the e-mails sent)."""
    sellers = [SellerMemberFactory().seller, SellerMemberFactory().seller]
    now = timezone.now()
    for seller in sellers:
        for n in range(2):  # STRIKE_SUSPENSION_THRESHOLD is 3
            Strike.objects.create(seller=seller, event_key=f"decision:old-{n}", created_at=now,
                                  expires_at=now + timedelta(days=30))
    listings = [ListingFactory(seller=sellers[0]) for _ in range(4)] + [ListingFactory(seller=sellers[1])
                                                                        for _ in range(3)]
    report = file_report(reporter=world.alice, right=world.tm_a, listings=listings)
    cases = list(report.cases.order_by("id"))
    claim(cases[0], world.rev1)
    claim(cases[2], world.rev1)  # the reviewer's own already
    claim(cases[3], world.rev2)  # held by another reviewer: skipped
    monkeypatch.setattr(report_jobs, "CASES_PER_CHUNK", 2)
    one = mock.patch.object(report_jobs, "_decided_alone", return_value=True) if one_by_one else mock.MagicMock()
    with one, mock.patch.object(report_jobs, "_decide_one", wraps=report_jobs._decide_one) as single, \
            capture(execute=True):
        result = report_cases_decide(case=cases[0], reviewer=world.rev1, reason_code=reason_code,
                                     facts="Same replica as the first listing.")
        decide_report_cases.delay(result.job.pk)
    # Proof of the path taken: one by one for every case the walk decided, or never.
    assert single.call_count == (5 if one_by_one else 0)
    return report, result.job, sellers


def _snapshot(report, job, sellers) -> dict:
    """Every row the decision wrote, with ids, times and names replaced by what they stand for."""
    cases = list(report.cases.order_by("id").select_related("listing"))
    token = {("case", c.pk): f"C{i}" for i, c in enumerate(cases)}
    token |= {("listing", c.listing_id): f"L{i}" for i, c in enumerate(cases)}
    decisions = list(Decision.objects.filter(case__in=cases).order_by("case_id", "id"))
    token |= {("decision", d.pk): f"D{token['case', d.case_id]}" for d in decisions}
    actions = list(EnforcementAction.objects.filter(case__in=cases).order_by("case_id", "id"))
    token |= {("action", a.pk): f"A{token['case', a.case_id]}" for a in actions}
    strikes = list(Strike.objects.filter(seller__in=sellers).order_by("seller_id", "id"))
    token |= {("strike", s.pk): f"S{sellers.index(s.seller)}-{i}" for i, s in enumerate(strikes)}
    token |= {("seller", s.pk): f"seller{i}" for i, s in enumerate(sellers)}
    suspensions = list(Suspension.objects.filter(seller__in=sellers).order_by("seller_id"))
    token |= {("suspension", s.pk): f"P{sellers.index(s.seller)}" for s in suspensions}
    token |= {("job", job.pk): "J", ("report", report.pk): "R"}
    texts = {c.listing.external_id: f"<{token['listing', c.listing_id]}>" for c in cases}
    texts |= {c.listing.title: f"<title {token['listing', c.listing_id]}>" for c in cases}
    texts |= {s.name: f"<{token['seller', s.pk]}>" for s in sellers} | {report.reference: "<R>"}

    def text(value: str) -> str:
        for old in sorted(texts, key=len, reverse=True):
            value = value.replace(old, texts[old])
        return value

    def t(kind: str, pk):
        return token.get((kind, pk), "?") if pk is not None else None

    keys = {"case": "case", "decision": "decision", "job": "job", "bulk_job": "job", "seller": "seller",
            "report": "report"}

    def data(value, key=None):
        if isinstance(value, dict):
            return {k: data(v, k) for k, v in value.items() if k not in ("expires_at",)}
        if key == "applied":
            return sorted([t("action", a), t("listing", listing), frm, to, event is not None]
                          for a, listing, frm, to, event in value)
        if key == "actions":
            return [t("action", a) for a in value]
        if key == "strikes":
            return sorted(t("strike", s) for s in value)
        if key == "event":
            return text(re.sub(r"^report:\d+$", "report:R", value))
        if isinstance(value, list):
            return [data(v) for v in value]
        if key in keys and isinstance(value, int):
            return t(keys[key], value)
        return text(value) if isinstance(value, str) else value

    labels = {"complaints.case": "case", "complaints.decision": "decision", EnforcementAction.audit_label: "action",
              Strike.audit_label: "strike", Suspension.audit_label: "suspension", BulkJob.audit_label: "job",
              "complaints.report": "report"}
    ids = {label: [pk for (kind, pk) in token if kind == name] for label, name in labels.items()}
    entries: dict[str, list] = {}
    for e in AuditEntry.objects.filter(_any_target(ids)).order_by("id"):
        target = t(labels[e.target_type], e.target_id)
        entries.setdefault(target, []).append(
            (e.actor_repr, e.action, re.sub(r"\d+", "N", text(e.target_repr)), data(e.data)))
    return {
        "cases": [(token["case", c.pk], c.state, c.claimed_by_id, c.claim_expires_at is None) for c in cases],
        "decisions": [(token["decision", d.pk], d.outcome, d.reason_code, d.decided_by_id, d.automated,
                       text(d.statement), d.supersedes_id) for d in decisions],
        "actions": [(token["action", a.pk], t("decision", a.decision_id), t("listing", a.listing_id), a.kind,
                     a.status, a.bulk_job_id == job.pk, a.attempts,
                     re.sub(r"^decision:\d+:(\w+):\d+$", r"decision:\1", a.idempotency_key)) for a in actions],
        "listings": sorted((token["listing", pk], status) for pk, status in
                           Listing.objects.filter(cases__in=cases).values_list("id", "status")),
        "restrictions": sorted((t("listing", r.listing_id), r.kind, r.source, t("case", r.case_id),
                                t("decision", r.decision_id), t("action", r.imposed_by_id), r.lifted_at is None)
                               for r in Restriction.objects.filter(listing__cases__in=cases)),
        "strikes": [(token["strike", s.pk], t("seller", s.seller_id), data(s.event_key, "event"),
                     s.removed_at is None, sorted(t("decision", d) for d in StrikeDecision.objects.filter(
                         strike=s).values_list("decision_id", flat=True))) for s in strikes],
        "suspensions": [(token["suspension", s.pk], t("seller", s.seller_id), s.status, s.proposed_by_id,
                         sorted(t("strike", x) for x in s.strikes.values_list("id", flat=True))) for s in suspensions],
        "job": (job.cases_total, job.cases_decided, job.cases_skipped, job.cases_held, job.total, job.done,
                job.failed, job.status, job.error),
        "notifications": sorted(
            (n.kind, t("decision", n.object_id) if n.kind.startswith("case_") else
             t("job", n.object_id) if n.kind == "report_decided" else t("action", n.object_id),
             n.sent_at is not None, n.recipients)
            for n in Notification.objects.filter(
                Q(kind__startswith="case_", object_id__in=[d.pk for d in decisions]) |
                Q(kind="report_decided", object_id=job.pk) | Q(kind__in=["report_enforced", "action_applied"],
                                                               object_id__in=[a.pk for a in actions]))),
        "webhook_events": sorted((t("action", e.action_id), e.type, text(e.payload.get("listing", {}).get(
            "external_id", "")) if isinstance(e.payload.get("listing"), dict) else "", e.deliveries.count())
            for e in WebhookEvent.objects.filter(action__in=actions)),
        "audit": entries,
    }


def _any_target(ids: dict[str, list[int]]) -> Q:
    q = Q(pk__in=[])
    for label, pks in ids.items():
        q |= Q(target_type=label, target_id__in=pks)
    return q


def _mails(sellers) -> list[tuple]:
    """The e-mails sent, the sellers' addresses named by seller."""
    who = {m.user.email: f"seller{i}" for i, s in enumerate(sellers) for m in s.members.select_related("user")}
    return sorted((tuple(who.get(a, a) for a in m.to), re.sub(r"\d+", "N", m.subject)) for m in mail.outbox)


@pytest.mark.parametrize("reason_code", REASONS)
def test_deciding_a_report_together_writes_what_deciding_each_case_writes(
        world, monkeypatch, django_capture_on_commit_callbacks, reason_code, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    WebhookEndpointFactory()
    report, job, sellers = _decide_report(world, monkeypatch, one_by_one=True, reason_code=reason_code,
                                          capture=django_capture_on_commit_callbacks)
    each, each_mails = _snapshot(report, job, sellers), _mails(sellers)
    mail.outbox.clear()
    report, job, sellers = _decide_report(world, monkeypatch, one_by_one=False, reason_code=reason_code,
                                          capture=django_capture_on_commit_callbacks)
    together = _snapshot(report, job, sellers)
    assert together["cases"] == each["cases"]
    assert [c[1] for c in together["cases"]].count(CaseState.IN_REVIEW) == 1  # the one another reviewer holds
    for key in ("decisions", "actions", "listings", "restrictions", "strikes", "suspensions", "job",
                "notifications", "webhook_events"):
        assert together[key] == each[key], key
    assert together["audit"].keys() == each["audit"].keys()
    for target in each["audit"]:
        assert together["audit"][target] == each["audit"][target], target
    assert _mails(sellers) == each_mails and each_mails
    if reason_code == "tm_counterfeit":
        # The threshold: both sellers reached 3 strikes (2 old + this report's), each proposed once.
        assert [s[2] for s in together["suspensions"]] == ["proposed", "proposed"]
        assert len(together["strikes"]) == 6 and together["actions"]
        assert Case.objects.filter(state=CaseState.ACTIONED).count() == 12


def test_a_chunk_decides_its_cases_in_a_constant_number_of_statements(world, monkeypatch):
    """Per chunk, not per case: 10 cases cost no more statements than 3 would one by one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for n in (3, 11):
        seller = SellerMemberFactory().seller
        report = file_report(reporter=world.alice, right=world.tm_a,
                             listings=[ListingFactory(seller=seller) for _ in range(n)])
        first = report.cases.order_by("id").first()
        claim(first, world.rev1)
        monkeypatch.setattr(report_jobs, "CASES_PER_CHUNK", 100)
        with mock.patch("decisions.tasks.decide_report_cases.delay"):
            job = report_cases_decide(case=first, reviewer=world.rev1, reason_code="tm_counterfeit",
                                      facts="Same fake.").job
        with CaptureQueriesContext(connection) as queries:
            report_jobs.report_job_walk(job_id=job.pk)
        counts[n] = len(queries)
        assert report.cases.filter(state=CaseState.ACTIONED).count() == n
    assert counts[11] == counts[3], counts
