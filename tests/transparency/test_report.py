"""The public transparency report: figures computed by the beat task into snapshots from the same
rows as the statements; the page (no login) reads only the snapshot; CSV and JSON downloads."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appeals.services import appeal_decide, appeal_file
from complaints.models import Case, Decision
from registry.models import RightKind
from transparency.models import ReportSnapshot
from transparency.report import figures_compute, period_bounds, snapshots_compute

from .helpers import REMOVE, automatic, decided

pytestmark = pytest.mark.django_db


def month() -> tuple[date, date]:
    return period_bounds("month", timezone.now().date())


@pytest.mark.parametrize(("kind", "day", "expected"), [
    ("month", date(2026, 12, 4), (date(2026, 12, 1), date(2027, 1, 1))),
    ("quarter", date(2026, 11, 30), (date(2026, 10, 1), date(2027, 1, 1))),
    ("quarter", date(2026, 2, 1), (date(2026, 1, 1), date(2026, 4, 1))),
    ("quarter", date(2026, 9, 30), (date(2026, 7, 1), date(2026, 10, 1))),
    ("year", date(2026, 6, 6), (date(2026, 1, 1), date(2027, 1, 1))),
])
def test_periods_are_calendar_months_quarters_and_years(kind, day, expected):
    assert period_bounds(kind, day) == expected


@pytest.fixture
def activity(world, django_capture_on_commit_callbacks):
    """Two trademark takedowns (one appealed and reversed), a patent takedown, an automatic suppression."""
    tm = decided(world, django_capture_on_commit_callbacks, kind=RightKind.TRADEMARK, code=REMOVE["trademark"])
    decided(world, django_capture_on_commit_callbacks, kind=RightKind.TRADEMARK, code=REMOVE["trademark"])
    decided(world, django_capture_on_commit_callbacks, kind=RightKind.PATENT, code=REMOVE["patent"])
    automatic(world, django_capture_on_commit_callbacks)
    appeal = appeal_file(case=tm.case, user=world.sam, statement="These are genuine goods bought from the maker.")
    with django_capture_on_commit_callbacks(execute=True):
        appeal_decide(appeal=appeal, senior=world.senior, reason_code="appeal_genuine_goods",
                      facts="Invoices from the brand's distributor.")
    return tm


def rows(figures, key) -> dict:
    return dict((label, value) for label, value in figures[key])


def test_the_figures_count_the_same_rows_as_the_statements(activity):
    f = figures_compute(*month())
    assert rows(f, "notices_by_kind") == {"Trademark": 2, "Patent": 1, "Design": 0, "Copyright": 0}
    assert rows(f, "items_by_source") == {"Notice from a rights holder": 3, "Notice from a trusted flagger": 0,
                                          "Notice from the public (no account)": 0,
                                          "Automatic detection (own initiative)": 1}
    actions = rows(f, "actions")
    assert actions["Removed · decision"] == 3
    assert actions["Suppressed · automatic"] == 1
    assert rows(f, "automation")["Taken by automated means"] == 1
    assert rows(f, "automation")["Restricting decisions"] == 4
    appeals = rows(f, "appeals")
    assert (appeals["Appeals filed by sellers"], appeals["Granted (decision reversed)"],
            appeals["Reversal rate (%)"]) == (1, 1, 100.0)
    assert rows(f, "statements")["Statements of reasons"] == 4


def test_median_and_90th_percentile_time_from_notice_to_decision(world, django_capture_on_commit_callbacks):
    restrictions = [decided(world, django_capture_on_commit_callbacks, kind=RightKind.TRADEMARK,
                            code=REMOVE["trademark"]) for _ in range(3)]
    for hours, r in zip([1, 2, 10], restrictions, strict=True):
        decided_at = Decision.objects.get(pk=r.decision_id).created_at
        Case.objects.filter(pk=r.case_id).update(created_at=decided_at - timedelta(hours=hours))
    timing = rows(figures_compute(*month()), "time_to_decision_hours")
    assert timing["Notices decided"] == 3
    assert timing["Median hours from notice to decision"] == pytest.approx(2.0, abs=0.1)
    assert timing["90th percentile hours"] == pytest.approx(10.0, abs=0.1)


def test_the_beat_task_writes_a_snapshot_per_period_and_refreshes_it(activity):
    assert snapshots_compute() == 3  # this month, quarter and year
    snap = ReportSnapshot.objects.get(period="month", start=month()[0])
    assert rows(snap.figures, "notices_by_kind")["Trademark"] == 2
    assert snapshots_compute() == 3  # recent periods are recomputed, not duplicated
    assert ReportSnapshot.objects.count() == 3


def test_nothing_to_report_writes_nothing(db):
    assert snapshots_compute() == 0


def test_the_public_page_needs_no_login_and_reads_only_the_snapshot(activity, client):
    snapshots_compute()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("transparency:report"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and "Notices received, by IP type" in body
    assert len(queries) <= 3  # the periods list and the snapshot: no figure computed on a view


def test_the_page_switches_period(activity, client):
    snapshots_compute()
    start = period_bounds("quarter", timezone.now().date())[0]
    response = client.get(reverse("transparency:report"), {"period": "quarter", "start": start.isoformat()})
    assert f"Q{(start.month - 1) // 3 + 1} {start.year}" in response.content.decode()


def test_an_unknown_period_falls_back_to_the_latest_month(activity, client):
    snapshots_compute()
    response = client.get(reverse("transparency:report"), {"period": "decade", "start": "yesterday"})
    assert response.status_code == 200
    assert timezone.now().strftime("%B %Y") in response.content.decode()


def test_no_snapshot_yet_says_so(client, db):
    assert "No figures have been computed" in client.get(reverse("transparency:report")).content.decode()


def test_csv_and_json_downloads_carry_the_same_figures(activity, client):
    snapshots_compute()
    start = month()[0].isoformat()
    response = client.get(reverse("transparency:report_csv"), {"period": "month", "start": start})
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    trademark = [r for r in table if r["section"] == "Notices received, by IP type" and r["figure"] == "Trademark"]
    assert trademark[0]["value"] == "2"
    data = client.get(reverse("transparency:report_json"), {"period": "month", "start": start}).json()
    assert data["period"] == "month" and data["start"] == start
    assert ["Trademark", 2] in data["sections"]["notices_by_kind"]["rows"]


def test_the_report_pages_are_read_only(client, db):
    for name in ("transparency:report", "transparency:report_csv", "transparency:report_json"):
        assert client.post(reverse(name)).status_code == 405
