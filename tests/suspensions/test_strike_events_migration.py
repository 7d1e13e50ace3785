"""The migration that groups existing strikes (one per removal decision) into decision events:
going back gives each decision its own strike again (as the services used to write them), and
going forward groups them as the services now write them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TestCase

from appeals.services import appeal_decide, appeal_file
from reporters.services import report_withdraw
from suspensions.models import Strike, Suspension

from ..conftest import claim_and_remove, file_report, report_with_cases
from .test_strike_events import decide_report_wide

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("suspensions", "0001_initial")


def _history(world, settings):
    """Seller A: a report of three decided report-wide, one listing reinstated on appeal, and a
    single decision: two strikes, proposed for suspension. Seller B: a report of two decided
    report-wide, then withdrawn: its strike removed."""
    settings.STRIKE_SUSPENSION_THRESHOLD = 2
    _, cases = report_with_cases(world, 3)
    decide_report_wide(world, cases)
    appeal = appeal_file(case=cases[1], user=world.sam, statement="Genuine goods, invoices attached.")
    with TestCase.captureOnCommitCallbacks(execute=True):
        appeal_decide(appeal=appeal, senior=world.senior, reason_code="appeal_genuine_goods", facts="Invoice.")
    single = file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_a[0]]).cases.get()
    claim_and_remove(case=single, reviewer=world.rev2)
    withdrawn = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_b)
    decide_report_wide(world, list(withdrawn.cases.order_by("id")))
    report_withdraw(report=withdrawn, user=world.alice)


def _strikes() -> list[tuple]:
    """Every strike as the services wrote it: its pk, seller, event, dates, standing, and each
    decision it covers with its reversal."""
    return [(s.pk, s.seller_id, s.event_key, s.created_at, s.expires_at, s.removed_at is None,
             sorted((link.decision_id, link.reversed_at is None) for link in s.links.all()))
            for s in Strike.objects.order_by("id")]


def _counted() -> list[tuple]:
    return sorted((p.pk, tuple(sorted(p.strikes.values_list("id", flat=True)))) for p in Suspension.objects.all())


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor


def test_going_back_gives_each_decision_its_strike_and_forward_groups_them_again(world, settings):
    _history(world, settings)
    written, counted = _strikes(), _counted()
    assert [(len(s[6]), s[5]) for s in written] == [(3, True), (1, True), (2, False)]
    assert len(counted) == 1 and len(counted[0][1]) == 2

    executor = _migrate([BEFORE])
    try:
        apps = executor.loader.project_state(BEFORE).apps
        OldStrike = apps.get_model("suspensions", "Strike")
        old = list(OldStrike.objects.order_by("decision_id").values_list("seller_id", "decision_id", "removed_at"))
        # One strike per removal decision, removed exactly where its decision was reversed.
        expected = sorted((s[1], decision, standing) for s in written for decision, standing in s[6])
        assert [(seller, decision, removed is None) for seller, decision, removed in old] == expected
        Old = apps.get_model("suspensions", "Suspension")
        # The proposal counted the report's strike and the single one: now the four strikes they split into.
        assert Old.objects.get().strikes.count() == 4
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert _strikes() == written
    assert _counted() == counted


def test_strikes_from_before_are_grouped_by_report_decision_job(world, settings):
    """Strikes written one per decision (as before 0002): the three decisions of a report-wide
    decision (the reviewer's own case and the two its job decided) become one strike; two single
    decisions on another report's cases stay two."""
    settings.STRIKE_SUSPENSION_THRESHOLD = 10
    report, cases = report_with_cases(world, 3)
    decide_report_wide(world, cases)
    _, singles = report_with_cases(world, 2)
    for case in singles:
        claim_and_remove(case=case, reviewer=world.rev2)
    executor = _migrate([BEFORE])
    try:
        apps = executor.loader.project_state(BEFORE).apps
        assert apps.get_model("suspensions", "Strike").objects.count() == 5
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    strikes = list(Strike.objects.order_by("id"))
    assert [(s.event_key.split(":")[0], s.decisions.count()) for s in strikes] == [
        ("report", 3), ("decision", 1), ("decision", 1)]
    assert strikes[0].event_key == f"report:{report.pk}"
