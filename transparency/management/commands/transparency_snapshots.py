"""manage.py transparency_snapshots: compute the public report's snapshots now (what the daily
beat task does; useful in embedded mode, where no beat runs)."""

from django.core.management.base import BaseCommand

from transparency.report import snapshots_compute


class Command(BaseCommand):
    help = "Compute the transparency report's monthly, quarterly and yearly snapshots."

    def handle(self, *args, **options):
        self.stdout.write(f"{snapshots_compute()} snapshot(s) computed")
