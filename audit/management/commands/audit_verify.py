from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditEntry
from audit.selectors import audit_chain_findings
from audit.services import audit_chain_pending


class Command(BaseCommand):
    help = ("Link entries still waiting, then verify the audit log: each entry's signature and hash, the "
            "chain's links, the signed head and the checkpoint published outside the database. Reports each "
            "entry edited, deleted (in the middle or at the tail), inserted, reordered or whose actor changed; "
            "exits non-zero if any.")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=100, help="Report at most this many findings.")

    def handle(self, *args, limit: int = 100, **options):
        linked = audit_chain_pending()
        if linked:
            self.stdout.write(f"Linked {linked} entries that were waiting.")
        checked, findings = audit_chain_findings(limit=limit)
        if not findings:
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} entries."))
            return
        for finding in findings:
            self.stdout.write(f"{finding.kind}: {finding.message}")
        first = findings[0].entry
        at = f"entry #{first.pk}" if first is not None else "its head"
        good = AuditEntry.objects.filter(seq__lt=first.seq).count() if first is not None and first.seq else checked
        raise CommandError(f"Audit chain broken at {at} after {good} good entries; {len(findings)} "
                           f"finding(s) above.")
