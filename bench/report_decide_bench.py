"""A reviewer applies one decision to every case of a 2,000-listing report: how long the request takes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<yours> \
    [CELERY_BROKER_URL=redis://127.0.0.1:6379/<n>] python bench/report_decide_bench.py [--cases 2000] [--runs 3]

Creates a throwaway test database (test_<name>), so nothing is left behind. Each run files a report
of N fresh listings (report_submit), the reviewer claims its first case and POSTs the decide form
with "apply to all identical cases" through the whole stack (session, view, services). With a
broker, the request's task messages go to a queue of this run's own (deleted at the end), so the
request pays for publishing them as in production; without one, publishing is a no-op that counts.
Then, if the request left a bulk job, it runs that job's work in-process (tasks eager: the walk
deciding the cases and the chunks applying their takedowns; the e-mails' tasks are left out, other
workers send them) and times it. Prints the request time of each run, the median, and the
background time.
"""

import argparse
import logging
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipportal.settings")
QUEUE = f"bench-decide-{uuid.uuid4().hex[:10]}"
os.environ["CELERY_QUEUE"] = QUEUE  # read by the settings: this run's messages go to a queue of its own

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000, help="listings (cases) per report")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.runs < 1 or args.cases < 2:
        parser.error("--runs must be at least 1 and --cases at least 2")
    if connection.vendor != "postgresql":
        sys.exit("needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/<name>")
    setup_test_environment()
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)  # no line per eager task
    settings.ALLOWED_HOSTS = ["*"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MAX_LISTINGS_PER_REPORT = max(args.cases, 300)
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.cases, args.runs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if settings.CELERY_BROKER_URL:
            _drop_queue(settings.CELERY_BROKER_URL, QUEUE)


def _drop_queue(url: str, name: str) -> None:
    from kombu import Connection

    from ipportal.celery import all_queues

    with Connection(url) as conn:
        for queue in all_queues(name):  # the run's queue and its lanes'
            conn.default_channel.queue_delete(queue)
            conn.default_channel.client.delete(f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


def _seed():
    from accounts.models import Role, User
    from registry.models import Brand, BrandMember, IPRight

    reporter = User.objects.create(username="holder", role=Role.RIGHTS_HOLDER, email="holder@example.test")
    reviewer = User.objects.create(username="reviewer", role=Role.REVIEWER)
    brand = Brand.objects.create(name="Bench", owner_company="Bench Inc", country="US")
    BrandMember.objects.create(brand=brand, user=reporter, role="admin")
    right = IPRight.objects.create(brand=brand, kind="trademark", name="BENCH", office="USPTO",
                                   registration_number="9999999", status="verified")
    return reporter, reviewer, brand, right


def _report(n: int, tag: str, reporter, brand, right):
    from complaints.services import report_submit
    from listings.models import Listing, Seller

    seller = Seller.objects.create(name=f"Seller {tag}", external_id=f"S-{tag}", country="CN")
    listings = Listing.objects.bulk_create(
        Listing(external_id=f"{tag}-{i:05d}", seller=seller, title=f"Replica {i}", ships_from="CN", price=5)
        for i in range(n))
    return report_submit(reporter=reporter, brand=brand, right=right, capacity="owner", infringement_type="counterfeit",
                         details={"where_on_listing": ["title"]}, explanation="Replicas.",
                         contact_email="legal@example.test", listings=listings, signature="Holder",
                         declarations={"good_faith": True, "accurate": True, "authority": True},
                         max_listings=n)


def run(n: int, runs: int) -> None:
    from django.test import Client
    from django.urls import reverse

    from actions.models import BulkJob
    from complaints.models import CaseState
    from review.claims import case_claim

    reporter, reviewer, brand, right = _seed()
    client = Client()
    client.force_login(reviewer)
    published = []
    broker = settings.CELERY_BROKER_URL
    print(f"runs: {runs}, {n} cases per report, PostgreSQL {connection.pg_version // 10000}, "
          f"{'broker ' + QUEUE if broker else 'no broker: publishing is a counting no-op'}")
    request_times, background = [], []
    for r in range(runs):
        report = _report(n, f"R{r}", reporter, brand, right)
        first = report.cases.order_by("id").first()
        with transaction.atomic():
            case_claim(case=first, reviewer=reviewer)
        publish = mock.patch("celery.app.task.Task.apply_async",
                             side_effect=lambda *a, **k: published.append(a)) if not broker else mock.MagicMock()
        settings.CELERY_TASK_ALWAYS_EAGER = False
        from ipportal.celery import app

        app.conf.task_always_eager = False
        with publish:
            t0 = time.perf_counter()
            response = client.post(reverse("decisions:case_decide", kwargs={"pk": first.pk}),
                                   {"reason_code": "tm_counterfeit", "facts": "Replica sold at 5.",
                                    "apply_to_report": "on"})
            elapsed = time.perf_counter() - t0
        assert response.status_code == 302, response.status_code
        request_times.append(elapsed)
        decided = report.cases.filter(state=CaseState.ACTIONED).count()
        job = BulkJob.objects.filter(kind="report_decision").order_by("-id").first()
        print(f"run {r + 1}: request {elapsed * 1000:,.0f} ms, redirected to {response['Location']}; "
              f"{decided} of {n} cases decided when the response was sent")
        if job is not None:
            from decisions.tasks import decide_report_cases

            app.conf.task_always_eager = True  # the background work, here, in-process
            with mock.patch("notifications.tasks.send_notification.delay"):
                t0 = time.perf_counter()
                decide_report_cases.delay(job.pk)
                background.append(time.perf_counter() - t0)
            job.refresh_from_db()
            assert report.cases.filter(state=CaseState.ACTIONED).count() == n, "the job left cases undecided"
            print(f"  background (in-process): {job.cases_decided} cases decided, {job.done} of {job.total} "
                  f"actions applied in {background[-1]:.2f} s ({job.get_status_display()})")
    print(f"request median: {statistics.median(request_times) * 1000:,.0f} ms "
          f"(min {min(request_times) * 1000:,.0f}, max {max(request_times) * 1000:,.0f})")
    if background:
        print(f"background median: {statistics.median(background):.2f} s")
    if not broker:
        print(f"messages published (counted): {len(published)}")


if __name__ == "__main__":
    main()
