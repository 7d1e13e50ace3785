from django.core.management.base import BaseCommand, CommandError

from certificates.verification import log_verify


class Command(BaseCommand):
    help = ("Rebuild the certificate log from the database and check every signed tree head ever issued; "
            "names each changed, removed or reordered entry. Exits 1 on any problem.")

    def handle(self, *args, **options):
        report = log_verify()
        for problem in report.problems:
            self.stderr.write(f"PROBLEM: {problem}")
        if not report.ok:
            raise CommandError(f"{len(report.problems)} problem(s) in {report.entries} entries and "
                               f"{report.heads} tree heads.")
        self.stdout.write(f"OK: {report.entries} entries, {report.heads} signed tree heads verified.")
