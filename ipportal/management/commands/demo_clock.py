"""Move the demo's clock: `manage.py demo_clock --advance 11d` makes the demo's deadlines pass.

Time cannot move forward, so the stored times move back: every deadline and date of the demo's
records (cases, decisions, questions, counter-notices, appeals, strikes, rights, restrictions, …)
by the given amount, as if that much time had passed. Then the periodic tasks beat runs
(CELERY_BEAT_SCHEDULE) run once, in this process, and what they did is printed. The audit log is
not touched (its entries are hash-chained): it keeps the real times.

Demo only: refused unless DEBUG is on and seed_demo's accounts exist. Without --advance it only
lists the coming deadlines.
"""

import re
from datetime import date, datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from common import dates
from common.dispatch import task
from complaints.models import InfoRequest
from counter_notices.models import CounterNotice
from counter_notices.models import CounterNoticeStatus as NoticeStatus
from listings.models import ListingStatus
from registry.models import IPRight, RightStatus
from suspensions.models import Strike

# The stored times that make up "the demo's clock": (model, fields). Audit entries are left alone.
SHIFTED = {
    "complaints.Report": ["created_at", "signed_at", "withdrawn_at"],
    "complaints.Case": ["created_at", "due_at", "claim_expires_at"],
    "complaints.Decision": ["created_at"],
    "complaints.InfoRequest": ["asked_at", "deadline", "answered_at", "expired_at"],
    "counter_notices.CounterNotice": ["created_at", "court_action_due", "reinstate_on", "court_action_at"],
    "appeals.Appeal": ["created_at"],
    "suspensions.Strike": ["created_at", "expires_at", "removed_at"],
    "suspensions.Suspension": ["created_at", "decided_at"],
    "registry.IPRight": ["registered_on", "expires_on", "verified_at"],
    "registry.VerificationCode": ["created_at", "expires_at"],
    "registry.BrandMember": ["authorized_until"],
    "actions.Restriction": ["started_at", "lifted_at"],
}
# seed_demo's accounts: their presence (with DEBUG on) says this is the demo database.
DEMO_ACCOUNTS = ["rights1", "rights3", "reviewer1", "senior1", "seller3"]
DEMO_EMAIL_DOMAIN = "@demo.ipportal.local"


def parse_span(text: str) -> timedelta:
    match = re.fullmatch(r"\s*(\d+)\s*([dh])\s*", text or "")
    if not match:
        raise CommandError(f"--advance takes days or hours, e.g. 11d or 36h (got {text!r}).")
    n, unit = int(match[1]), match[2]
    return timedelta(days=n) if unit == "d" else timedelta(hours=n)


def shift_back(queryset: QuerySet, delta: timedelta, fields: list[str] | None = None) -> int:
    """Move the stored times of `queryset`'s rows back by `delta` (dates by its whole days). Demo
    data only: bypasses the services on purpose, it stands for time passing. Returns rows moved."""
    model = queryset.model
    fields = fields or SHIFTED[model._meta.label]
    rows = list(queryset.only("pk", *fields))
    for row in rows:
        for name in fields:
            value = getattr(row, name)
            if isinstance(value, datetime):
                setattr(row, name, value - delta)
            elif isinstance(value, date):
                setattr(row, name, value - timedelta(days=delta.days))
    model.objects.bulk_update(rows, fields, batch_size=500)
    return len(rows)


class Command(BaseCommand):
    help = ("Demo only: move the demo's deadlines by --advance (e.g. 11d) and run the periodic tasks, "
            "printing what fired. Without --advance, list the coming deadlines.")

    def add_arguments(self, parser):
        parser.add_argument("--advance", help="how much time passes: days or hours, e.g. 11d or 36h")

    def handle(self, *args, advance=None, **options):
        self._check_demo()
        if not advance:
            self._upcoming()
            return
        delta = parse_span(advance)
        before = self._watch()
        with transaction.atomic():
            moved = sum(shift_back(apps.get_model(label).objects.all(), delta) for label in SHIFTED)
        self.stdout.write(f"Moved the demo's clock {advance} ahead ({moved} records' times moved back).")
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            result = task(entry["task"]).apply()
            outcome = result.result if result.successful() else f"failed: {result.result!r}"
            self.stdout.write(f"  ran {name}: {outcome}")
        self._report(before)

    def _check_demo(self) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_clock moves every stored deadline: it runs only with DEBUG on, on the "
                               "demo database (make run).")
        found = User.objects.filter(username__in=DEMO_ACCOUNTS, email__endswith=DEMO_EMAIL_DOMAIN).count()
        if found != len(DEMO_ACCOUNTS):
            raise CommandError("This is not the demo database (seed_demo's accounts are missing): demo_clock "
                               "moves every stored deadline, so it refuses to run here. Run seed_demo first.")

    def _watch(self) -> dict:
        return {
            "notices": set(CounterNotice.objects.filter(status=NoticeStatus.WAITING).values_list("pk", flat=True)),
            "questions": set(InfoRequest.objects.filter(answered_at__isnull=True, expired_at__isnull=True)
                             .values_list("pk", flat=True)),
            "rights": set(IPRight.objects.filter(status__in=[RightStatus.PENDING, RightStatus.VERIFIED])
                          .values_list("pk", flat=True)),
            "strikes": set(Strike.objects.filter(removed_at__isnull=True, expires_at__gt=timezone.now())
                           .values_list("pk", flat=True)),
        }

    def _report(self, before: dict) -> None:
        fired = []
        notices = CounterNotice.objects.filter(pk__in=before["notices"]).exclude(status=NoticeStatus.WAITING)
        for notice in notices.select_related("case__listing"):
            listing = notice.case.listing
            what = ("listing reinstated" if listing.status == ListingStatus.ACTIVE
                    else f"reinstatement decided, listing now {listing.get_status_display().lower()}")
            fired.append(f"counter-notice CN-{notice.pk} on {notice.case.reference} ({listing.external_id}): "
                         f"no court action shown, {what}")
        for question in InfoRequest.objects.filter(pk__in=before["questions"], expired_at__isnull=False) \
                .select_related("case"):
            fired.append(f"question on {question.case.reference}: unanswered by its deadline, the case is back "
                         "in the review queue")
        expired = IPRight.objects.filter(pk__in=before["rights"], status=RightStatus.EXPIRED)
        for right in expired.select_related("brand"):
            fired.append(f"right {right} of {right.brand}: expired")
        lapsed = Strike.objects.filter(pk__in=before["strikes"], expires_at__lte=timezone.now()).count()
        if lapsed:
            fired.append(f"{lapsed} strike{'s' if lapsed != 1 else ''} expired")
        self.stdout.write("Fired:" if fired else "Nothing came due.")
        for line in fired:
            self.stdout.write(self.style.SUCCESS(f"  {line}"))

    def _upcoming(self) -> None:
        self.stdout.write("Coming deadlines (move the clock with --advance, e.g. --advance 11d):")
        today = timezone.localdate()
        waiting = CounterNotice.objects.filter(status=NoticeStatus.WAITING,
                                               reinstate_on__isnull=False).order_by("reinstate_on")
        for n in waiting.select_related("case__listing"):
            self.stdout.write(f"  counter-notice CN-{n.pk} on {n.case.reference} ({n.case.listing.external_id}): "
                              f"listing back on {n.reinstate_on} (in {(n.reinstate_on - today).days} days)")
        for q in InfoRequest.objects.filter(answered_at__isnull=True, expired_at__isnull=True) \
                .select_related("case").order_by("deadline"):
            self.stdout.write(f"  question on {q.case.reference}: deadline {dates.moment(q.deadline)}")
        for r in IPRight.objects.filter(status__in=[RightStatus.PENDING, RightStatus.VERIFIED],
                                        expires_on__lte=today + timedelta(days=60)).select_related("brand"):
            self.stdout.write(f"  right {r} of {r.brand}: expires {r.expires_on}")
