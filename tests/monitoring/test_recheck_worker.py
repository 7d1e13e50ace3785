"""A real Celery worker re-checks a brand's listings in chunks, one message per chunk, and the
suppressions it decides are applied by the same worker."""

import pytest

from complaints.models import Case, CaseSource
from listings.models import Listing, ListingStatus
from monitoring.models import RecheckJob, RecheckStatus
from registry.services import protection_rules_set

from ..actions.test_worker_integration import queue, start_worker  # noqa: F401 (fixtures)
from ..celery_worker import wait_for
from ..factories import ListingFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_rechecks_in_chunks_and_suppresses(start_worker, world, monkeypatch):  # noqa: F811
    monkeypatch.setenv("MONITORING_RECHECK_CHUNK", "2")  # the worker's own settings read it
    offending = [ListingFactory(seller=world.seller_b, title=f"ACME copy {i}", ships_from="CN").pk for i in range(3)]
    worker = start_worker()
    protection_rules_set(brand=world.brand_a, by=world.alice, countries=["DE"], countries_mode="suppress",
                         sellers=[], sellers_mode="flag", extra_terms=[], misspellings=[])
    wait_for(lambda: RecheckJob.objects.filter(brand=world.brand_a, status=RecheckStatus.DONE).exists(),
             what="the re-check to finish", worker=worker)
    job = RecheckJob.objects.get(brand=world.brand_a)
    assert job.hits == 3 and job.checked == job.total == 8
    assert worker.log().count("Task monitoring.tasks.recheck_chunk[") >= 2 * 4  # received + succeeded, 4 chunks
    wait_for(lambda: set(Listing.objects.filter(status=ListingStatus.SUPPRESSED).values_list("pk", flat=True))
             == set(offending), what="the suppressions to be applied", worker=worker)
    assert Case.objects.filter(source=CaseSource.AUTOMATIC).count() == 3
