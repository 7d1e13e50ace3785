from django.core.management.base import BaseCommand, CommandError

from audit.selectors import audit_chain_verify
from audit.services import audit_chain_pending


class Command(BaseCommand):
    help = ("Link entries still waiting, then verify the audit log's hash chain; exits non-zero at the "
            "first broken entry.")

    def handle(self, *args, **options):
        linked = audit_chain_pending()
        if linked:
            self.stdout.write(f"Linked {linked} entries that were waiting.")
        checked, broken = audit_chain_verify()
        if broken is not None:
            raise CommandError(f"Audit chain broken at entry #{broken.pk} after {checked} good entries.")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} entries."))
