from datetime import timedelta

from django.core.management.base import BaseCommand

from evidence.services import evidence_purge_unattached


class Command(BaseCommand):
    help = "Delete uploaded evidence that no report, draft or other record took (abandoned forms)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help="only files older than this (default 24)")

    def handle(self, *args, hours: int, **options):
        n = evidence_purge_unattached(older_than=timedelta(hours=hours))
        self.stdout.write(f"Deleted {n} unattached evidence file(s) older than {hours} h.")
