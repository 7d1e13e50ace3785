"""A reviewer applies one decision to every case of a 2,000-listing report: how long the request takes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<yours> \
    [CELERY_BROKER_URL=redis://127.0.0.1:6379/<n>] python bench/report_decide_bench.py [--cases 2000] [--runs 3]

Creates a throwaway test database (test_<name>), so nothing is left behind. Each run files a report
of N fresh listings (report_submit), the reviewer claims its first case and POSTs the decide form
with "apply to all identical cases" through the whole stack (session, view, services). With a
broker, the request's task messages go to a queue of this run's own (deleted at the end), so the
request pays for publishing them as in production; without one, publishing is a no-op that counts.
Then, if the request left a bulk job, it runs that job's work in-process and times its two parts:
the walk deciding the cases (a few statements per chunk of CASES_PER_CHUNK cases), then the chunks
applying their takedowns (the e-mails' tasks are left out: the notifications lane sends them). As in
production with workers, the audit entries are linked into the chain by the beat's task, not after
each commit: that run is timed apart, after the walk and the chunks (entries linked per second,
which must stay above what the walk writes), and a third rate counts it in as if it ran inline.
Beside it, the floor, measured in the same run on a fresh report of as many cases: one SQL
statement that moves the cases and inserts their decisions and pending actions (none of the audit
entries, strikes, e-mails the real path writes), rolled back. Prints the request time of each run,
the cases decided per second, decided and applied per second, the floor's and the ratio.
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
    settings.OTP_REQUIRED_FOR_STAFF = False  # the bench measures the pages, not the second factor
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MAX_LISTINGS_PER_REPORT = max(args.cases, 300)
    # As in production with workers: audit entries are linked by the beat's task, not after each
    # commit (the run after each job's work is timed apart, see _background).
    settings.AUDIT_LINK_AFTER_COMMIT = False
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
    request_times, background, floors = [], [], []
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
                                    "apply_to_report": "on", "confirm_apply": "on"})
            elapsed = time.perf_counter() - t0
        assert response.status_code == 302, response.status_code
        request_times.append(elapsed)
        decided = report.cases.filter(state=CaseState.ACTIONED).count()
        job = BulkJob.objects.filter(kind="report_decision").order_by("-id").first()
        print(f"run {r + 1}: request {elapsed * 1000:,.0f} ms, redirected to {response['Location']}; "
              f"{decided} of {n} cases decided when the response was sent")
        if job is not None:
            decide, apply, link, entries = _background(app, job)
            job.refresh_from_db()
            assert report.cases.filter(state=CaseState.ACTIONED).count() == n, "the job left cases undecided"
            background.append((job.cases_decided, decide, apply, link))
            floor = _floor(n, f"F{r}", reporter, brand, right, reviewer)
            floors.append(floor)
            rate, total = job.cases_decided / decide, job.cases_decided / (decide + apply)
            print(f"  background (in-process): {job.cases_decided} cases decided in {decide:.2f} s "
                  f"({rate:,.0f} cases/s); their {job.done} of {job.total} takedowns applied in {apply:.2f} s "
                  f"(decided and applied: {total:,.0f} cases/s; {job.get_status_display()})")
            print(f"  audit chain (the beat's link task): {entries} entries linked in {link:.2f} s "
                  f"({entries / link:,.0f} entries/s); decided with the linking inline: "
                  f"{job.cases_decided / (decide + link):,.0f} cases/s")
            print(f"  floor: one UPDATE of {n} cases and one INSERT each of their decisions and actions "
                  f"(no audit, strikes, e-mails, restrictions): {n / floor:,.0f} cases/s; "
                  f"decided at {n / floor / rate:.1f}x the floor's time")
    print(f"request median: {statistics.median(request_times) * 1000:,.0f} ms "
          f"(min {min(request_times) * 1000:,.0f}, max {max(request_times) * 1000:,.0f})")
    if background:
        decided = statistics.median(c / d for c, d, _, _ in background)
        both = statistics.median(c / (d + a) for c, d, a, _ in background)
        inline = statistics.median(c / (d + k) for c, d, _, k in background)
        floor = statistics.median(n / f for f in floors)
        print(f"background median: decided {decided:,.0f} cases/s, decided and applied {both:,.0f} cases/s, "
              f"decided with the audit linking inline {inline:,.0f} cases/s; "
              f"floor {floor:,.0f} cases/s (ratio {floor / decided:.1f}x)")
    if not broker:
        print(f"messages published (counted): {len(published)}")


def _background(app, job) -> tuple[float, float, float, int]:
    """The job's work in-process, timed in its three parts: the walk deciding the cases (its chunk
    messages kept), then those chunks applying the takedowns, then the beat's run linking their
    audit entries (returned with how many it linked). The e-mails' tasks are left out (the
    notifications lane sends them)."""
    from actions.tasks import apply_action_chunk
    from audit.services import audit_chain_pending
    from decisions.tasks import decide_report_cases

    app.conf.task_always_eager = True  # the background work, here, in-process
    chunks = []
    with mock.patch("notifications.tasks.send_notification.delay"), \
            mock.patch.object(apply_action_chunk, "delay", side_effect=lambda *a: chunks.append(a)):
        t0 = time.perf_counter()
        decide_report_cases.delay(job.pk)
        decide = time.perf_counter() - t0
        t0 = time.perf_counter()
        for args in chunks:
            apply_action_chunk.apply(args=args)
        apply = time.perf_counter() - t0
    t0 = time.perf_counter()
    entries = audit_chain_pending()
    link = time.perf_counter() - t0
    return decide, apply, link, entries


def _floor(n: int, tag: str, reporter, brand, right, reviewer) -> float:
    """The plain alternative's time: the same number of a fresh report's cases decided by one SQL
    statement (the cases' UPDATE, their decisions with a statement as long as the real ones, their
    pending actions), rolled back."""
    from complaints.models import Case
    from complaints.reasons import REASONS, statement_compose

    report = _report(n, tag, reporter, brand, right)
    case = Case.objects.select_related("right__brand", "report").filter(report=report).first()
    text = statement_compose(case=case, reason=REASONS["tm_counterfeit"], facts="Replica sold at 5.")
    sql = (
        "WITH c AS (UPDATE complaints_case SET state = 'actioned', claimed_by_id = NULL, claim_expires_at = NULL, "
        "updated_at = now() WHERE report_id = %s AND state IN ('open', 'in_review') RETURNING id, listing_id), "
        "d AS (INSERT INTO complaints_decision (case_id, outcome, reason_code, statement, decided_by_id, automated, "
        "created_at) SELECT id, 'remove', 'tm_counterfeit', %s, %s, false, now() FROM c RETURNING id, case_id) "
        "INSERT INTO enforcement_enforcementaction (decision_id, case_id, listing_id, kind, status, "
        "idempotency_key, attempts, last_error, created_at, updated_at) SELECT d.id, d.case_id, c.listing_id, "
        "'remove', 'pending', 'floor:' || d.id, 0, '', now(), now() FROM d JOIN c ON c.id = d.case_id")
    with transaction.atomic():
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, [report.pk, text, reviewer.pk])
            assert cursor.rowcount == n, cursor.rowcount
        elapsed = time.perf_counter() - t0
        transaction.set_rollback(True)
    return elapsed


if __name__ == "__main__":
    main()
