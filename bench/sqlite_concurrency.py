"""Embedded mode under parallel reviewers: how many requests answer 5xx on SQLite, with SQLite's
defaults (the baseline: rollback journal, DEFERRED transactions, Python's 5 s busy timeout) and
with the project's settings (settings.SQLITE_OPTIONS: WAL, BEGIN IMMEDIATE, SQLITE_TIMEOUT), in
the same run.

    .venv/bin/python bench/sqlite_concurrency.py [--reviewers 12] [--runs 3]

Migrates one temporary file database, then for each setting works on a copy of it, in a process of
its own (Django reads DATABASES once per process) that serves the portal with Django's threaded
development server, as `make run` does (a thread per request). REVIEWERS reviewers, each logged in
over HTTP from a thread of its own, press "claim next" at once (POST /review/claim-next/), then all
decide the case they hold at once (POST /review/cases/<id>/decide/, a removal): the whole stack,
middleware, sessions, the views, the services, the audit entries and, as embedded mode without
the worker does, the takedown's tasks run in-process after commit. RUNS rounds, each on new
reviewers and cases. Prints, per setting, each run's 5xx count of the claims and of the decisions
and the errors' messages, then the totals side by side. Needs nothing but SQLite; leaves nothing
behind.

(Django's test client in threads, without the server, hardly ever met a lock here: the server's
socket reads and writes let more requests overlap inside their transactions.)
"""

import argparse
import collections
import http.cookiejar
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-pass-2026"
SETTINGS = {
    "baseline": "SQLite's defaults (rollback journal, DEFERRED, 5 s timeout)",
    "project": "project settings (WAL, BEGIN IMMEDIATE, SQLITE_TIMEOUT)",
}


def _env(database: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in {"CELERY_BROKER_URL", "EMBEDDED_WORKER", "DATABASE_URL"}}
    return {**env, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "ipportal.settings",
            "PYTHONUNBUFFERED": "1"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviewers", type=int, default=12, help="parallel reviewers (requests per round)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=sorted(SETTINGS), help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(setting=args.child, reviewers=args.reviewers, runs=args.runs)
        return

    print(f"{args.reviewers} reviewers in parallel threads, {args.runs} runs; each run: {args.reviewers} claim-next "
          f"POSTs at once, then {args.reviewers} decision POSTs at once")
    totals = {}
    with tempfile.TemporaryDirectory(prefix="sqlite_concurrency_") as tmp:
        template = Path(tmp) / "template.sqlite3"
        started = time.perf_counter()
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=_env(template), check=True)
        print(f"migrated a file database in {time.perf_counter() - started:.1f} s")
        for setting in ("baseline", "project"):
            database = Path(tmp) / f"{setting}.sqlite3"
            with sqlite3.connect(template) as source, sqlite3.connect(database) as copy:
                source.backup(copy)
                # The template is in WAL (migrated with the project's settings); WAL is a property
                # of the file, so the baseline's copy goes back to SQLite's default journal.
                copy.execute("PRAGMA journal_mode=DELETE" if setting == "baseline" else "PRAGMA journal_mode=WAL")
            print(f"\n{setting}: {SETTINGS[setting]}", flush=True)
            out = subprocess.run([sys.executable, __file__, "--child", setting, "--database", str(database),
                                  "--reviewers", str(args.reviewers), "--runs", str(args.runs)],
                                 cwd=ROOT, env=_env(database), check=True, capture_output=True, text=True).stdout
            print(out, end="")
            total = re.search(r"^  total 5xx: (\d+) of (\d+)", out, re.MULTILINE)
            totals[setting] = (int(total.group(1)), int(total.group(2)))
    base, project = totals["baseline"], totals["project"]
    print(f"\n5xx answers: baseline {base[0]}/{base[1]} -> project settings {project[0]}/{project[1]}")


def child(*, setting: str, reviewers: int, runs: int) -> None:
    import django
    from django.conf import settings

    if setting == "baseline":
        settings.DATABASES["default"]["OPTIONS"] = {}  # before any connection exists
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for logger in ("django.request", "django.server"):  # 500s are counted, not printed
        settings.LOGGING["loggers"][logger] = {"level": "CRITICAL"}
    settings.LOGGING["loggers"]["celery"] = {"level": "WARNING"}
    django.setup()
    from django.db import connection

    journal = connection.cursor().execute("PRAGMA journal_mode").fetchone()[0]
    print(f"  journal_mode={journal}, transaction_mode={connection.transaction_mode or 'DEFERRED'}, "
          f"timeout={settings.DATABASES['default']['OPTIONS'].get('timeout', 5)} s")
    connection.close()

    base = _serve()
    totals = collections.Counter()
    errors = collections.Counter()
    for run in range(1, runs + 1):
        sessions, cases = _world(base=base, run=run, reviewers=reviewers)
        started = time.perf_counter()
        claims = _at_once(base, [(session, "/review/claim-next/", {}) for session in sessions], errors)
        claim_seconds = time.perf_counter() - started
        held = _claim_the_rest(sessions=sessions, cases=cases)
        started = time.perf_counter()
        decisions = _at_once(base, [(session, f"/review/cases/{case_id}/decide/",
                                     {"reason_code": "tm_counterfeit", "facts": "Replica sold as genuine."})
                                    for session, case_id in held], errors)
        decide_seconds = time.perf_counter() - started
        failed_claims = sum(status >= 500 for status in claims)
        failed_decisions = sum(status >= 500 for status in decisions)
        totals.update(claims=failed_claims, decisions=failed_decisions, requests=len(claims) + len(decisions))
        print(f"  run {run}: claim-next {failed_claims} of {len(claims)} answered 5xx ({claim_seconds:.2f} s), "
              f"decide {failed_decisions} of {len(decisions)} ({decide_seconds:.2f} s)", flush=True)
    for message, count in errors.most_common():
        print(f"  {count} x {message}")
    print(f"  total 5xx: {totals['claims'] + totals['decisions']} of {totals['requests']} requests "
          f"(claim-next {totals['claims']}, decide {totals['decisions']})")


def _serve() -> str:
    """The portal on Django's threaded development server (runserver's), on a free port; its URL."""
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler, get_internal_wsgi_application

    server = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(get_internal_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the redirect's status is the answer


class Session:
    """One reviewer's browser: cookies, and POSTs with the CSRF token, redirects not followed."""

    def __init__(self, base: str, reviewer):
        self.base, self.reviewer, self.jar = base, reviewer, http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)
        self.opener.open(base + "/accounts/login/").read()
        status = self.post("/accounts/login/", {"username": reviewer.username, "password": PASSWORD})
        if status != 302:
            raise RuntimeError(f"login of {reviewer.username} answered {status}")

    def post(self, path: str, data: dict) -> int:
        token = next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        try:
            with self.opener.open(urllib.request.Request(self.base + path, body), timeout=120) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as answer:  # a redirect (not followed) or an error
            answer.read()
            return answer.code


def _world(*, base: str, run: int, reviewers: int):
    """A brand with a verified trademark, a report of `reviewers` listings (one open case each),
    and `reviewers` reviewers, each logged in; built serially, before the clock."""
    from decimal import Decimal

    from accounts.models import Role, User
    from complaints.services import report_submit
    from listings.models import Listing, Seller
    from registry.models import Brand, BrandMember, BrandRole, IPRight, RightKind, RightStatus

    holder = User.objects.create_user(username=f"holder{run}", password=PASSWORD, role=Role.RIGHTS_HOLDER)
    brand = Brand.objects.create(name=f"Acme {run}", owner_company=f"Acme {run} Ltd", country="DE")
    BrandMember.objects.create(brand=brand, user=holder, role=BrandRole.ADMIN)
    right = IPRight.objects.create(brand=brand, kind=RightKind.TRADEMARK, office="USPTO", name=f"ACME{run}",
                                   registration_number=f"{7000000 + run}", status=RightStatus.VERIFIED)
    seller = Seller.objects.create(name=f"Seller {run}", external_id=f"S-{run:05d}", country="US")
    listings = [Listing.objects.create(external_id=f"B-{run}-{n:04d}", seller=seller, title=f"ACME{run} replica {n}",
                                       description="A copy.", ships_from="CN", price=Decimal("9.99"))
                for n in range(reviewers)]
    report = report_submit(reporter=holder, brand=brand, right=right, capacity="owner",
                           infringement_type="counterfeit", details={"where_on_listing": ["title"]},
                           explanation="Replica of our goods.", contact_email="legal@example.test",
                           listings=listings, signature="Rita Holt",
                           declarations={"good_faith": True, "accurate": True, "authority": True})
    sessions = [Session(base, User.objects.create_user(username=f"rev{run}-{n}", password=PASSWORD,
                                                        role=Role.REVIEWER)) for n in range(reviewers)]
    return sessions, list(report.cases.values_list("id", flat=True))


def _at_once(base: str, requests: list[tuple], errors: collections.Counter) -> list[int]:
    """POST each (session, path, data) from a thread of its own, all released together; returns the
    statuses. The server's exceptions are counted in `errors` by message."""
    from django.core.signals import got_request_exception

    statuses = [0] * len(requests)
    barrier = threading.Barrier(len(requests))

    def record(sender, request=None, **kwargs):
        error = sys.exc_info()[1]
        errors[f"{type(error).__name__}: {error}"] += 1

    def post(index: int, session: Session, path: str, data: dict) -> None:
        barrier.wait()
        statuses[index] = session.post(path, data)

    got_request_exception.connect(record)
    threads = [threading.Thread(target=post, args=(i, *request)) for i, request in enumerate(requests)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        got_request_exception.disconnect(record)
    return statuses


def _claim_the_rest(*, sessions, cases) -> list[tuple]:
    """(session, case id) for every reviewer: the case it claimed, or, if its claim failed, one
    claimed for it now, one at a time, so that every reviewer decides in the next round."""
    from django.db import transaction

    from complaints.models import Case, CaseState
    from review.claims import case_claim

    held = []
    for session in sessions:
        case = Case.objects.filter(claimed_by=session.reviewer, state=CaseState.IN_REVIEW, id__in=cases).first()
        if case is None:
            case = Case.objects.filter(state=CaseState.OPEN, id__in=cases).order_by("id").first()
            with transaction.atomic():
                case_claim(case=case, reviewer=session.reviewer)
        held.append((session, case.pk))
    return held


if __name__ == "__main__":
    main()
