"""Time to file a 1,000-listing report through the API, against a baseline in the same run.

Needs PostgreSQL (the figure that matters is the production database's):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<yours> python bench/report_api_bench.py [--runs 7]

Creates a throwaway test database (test_<name>), so nothing is left behind. Each run files a fresh
set of 1,000 listings (so none is linked to an earlier case) with POST /api/v1/reports/ through the
whole stack: token authentication, the serializer's validation, report_submit (cases, audit
entries in bulk), the response. Baseline: the bare bulk insert of 1,000 cases for a report, in one
transaction — the least any implementation must do. Prints the median of each and the ratio.
--listings N files reports of N listings instead of 1,000 (a smoke run uses a handful).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipportal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--listings", type=int, default=1000, help="listings per report")
    args = parser.parse_args()
    if args.runs < 1 or args.listings < 1:
        parser.error("--runs and --listings must be at least 1")
    if connection.vendor != "postgresql":
        sys.exit("needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/<name>")
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.OTP_REQUIRED_FOR_STAFF = False  # the bench measures the pages, not the second factor
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.runs, args.listings)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(runs: int, n: int) -> None:
    from rest_framework.test import APIClient

    from accounts.models import Role, User
    from accounts.tokens import api_token_create
    from complaints.models import Case, Report
    from listings.models import Listing, Seller
    from registry.models import Brand, BrandMember, IPRight

    user = User.objects.create(username="bench", role=Role.RIGHTS_HOLDER)
    brand = Brand.objects.create(name="Bench", owner_company="Bench Inc", country="US")
    BrandMember.objects.create(brand=brand, user=user, role="admin")
    right = IPRight.objects.create(brand=brand, kind="trademark", name="BENCH", office="USPTO",
                                   registration_number="9999999", status="verified")
    seller = Seller.objects.create(name="Seller", external_id="S-B", country="CN")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user).key}")

    def listings(tag: str) -> list:
        return Listing.objects.bulk_create(
            Listing(external_id=f"{tag}-{i:05d}", seller=seller, title=f"Replica {i}", ships_from="CN", price=5)
            for i in range(n))

    api_times, base_times = [], []
    for r in range(runs + 1):  # the first run warms caches and is dropped
        rows = listings(f"A{r}")
        body = {
            "right": right.pk, "capacity": "owner", "listings": [x.external_id for x in rows],
            "explanation": "Counterfeits.", "contact_email": "b@bench.test", "infringement_type": "counterfeit",
            "details": {"where_on_listing": ["title"]}, "signature": "Bench Person",
            "declarations": {"good_faith": True, "accurate": True, "authority": True},
        }
        t = time.perf_counter()
        response = client.post("/api/v1/reports/", body, format="json")
        elapsed = time.perf_counter() - t
        assert response.status_code == 201 and response.json()["cases_opened"] == n, response.content[:500]
        rows = listings(f"B{r}")
        report = Report.objects.filter(brand=brand).first()
        now = timezone.now()
        t = time.perf_counter()
        with transaction.atomic():
            Case.objects.bulk_create([Case(report=report, listing=x, right=right, brand=brand, kind=right.kind,
                                           priority=1, state="rejected", due_at=now,
                                           listing_snapshot={"external_id": x.external_id}) for x in rows],
                                     batch_size=500)
        base = time.perf_counter() - t
        if r:
            api_times.append(elapsed)
            base_times.append(base)
    api, base = statistics.median(api_times), statistics.median(base_times)
    print(f"runs: {runs} (after one warm-up), {n} listings each, PostgreSQL {connection.pg_version}")
    print(f"API POST /api/v1/reports/ with {n} listings: median {api * 1000:.0f} ms "
          f"(min {min(api_times) * 1000:.0f}, max {max(api_times) * 1000:.0f})")
    print(f"baseline bare bulk insert of {n} cases:   median {base * 1000:.0f} ms")
    print(f"ratio API / baseline: {api / base:.1f}x")


if __name__ == "__main__":
    main()
