"""The sweep that gives restrictions their statement records when the imposing transaction did not
(an upgrade, a restriction written by a path without the receiver): by ranges of ids, every
restriction once, the regular run looking only near the newest, the full run everywhere."""

import pytest

from registry.models import RightKind
from transparency import services, tasks
from transparency.models import StatementRecord
from transparency.services import statements_record

from .helpers import REMOVE, decided

pytestmark = pytest.mark.django_db


@pytest.fixture
def five(world, django_capture_on_commit_callbacks, monkeypatch):
    kinds = [RightKind.TRADEMARK, RightKind.COPYRIGHT, RightKind.PATENT, RightKind.DESIGN, RightKind.TRADEMARK]
    restrictions = [decided(world, django_capture_on_commit_callbacks, kind=k, code=REMOVE[k]) for k in kinds]
    monkeypatch.setattr(services, "SWEEP_CHUNK", 2)  # ranges of two ids: the loop's edges are crossed
    return sorted(restrictions, key=lambda r: r.pk)


def test_with_nothing_recorded_the_sweep_walks_every_range_and_records_each_restriction_once(five):
    StatementRecord.objects.all().delete()
    assert statements_record() == 5
    assert sorted(StatementRecord.objects.values_list("restriction_id", flat=True)) == [r.pk for r in five]
    assert statements_record() == 0
    assert statements_record(full=True) == 0
    assert StatementRecord.objects.count() == 5


def test_the_regular_sweep_looks_only_near_the_newest_record_and_the_full_one_everywhere(five, monkeypatch):
    monkeypatch.setattr(services, "SWEEP_OVERLAP", five[4].pk - five[3].pk)
    StatementRecord.objects.filter(restriction__in=[five[0], five[1], five[3]]).delete()
    assert statements_record() == 1  # the newest recorded is five[4]: the window reaches back to five[3]
    assert StatementRecord.objects.filter(restriction=five[3]).exists()
    assert not StatementRecord.objects.filter(restriction__in=five[:2]).exists()
    assert statements_record(full=True) == 2
    assert StatementRecord.objects.filter(restriction__in=five).count() == 5


def test_the_nightly_task_runs_the_full_sweep(five, monkeypatch):
    monkeypatch.setattr(services, "SWEEP_OVERLAP", 0)
    StatementRecord.objects.filter(restriction=five[0]).delete()
    assert statements_record() == 0  # outside the regular window
    tasks.compute_snapshots()
    assert StatementRecord.objects.filter(restriction=five[0]).count() == 1
