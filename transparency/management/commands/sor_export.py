"""manage.py sor_export --since 2026-01-01 [--until 2026-02-01] --out statements.jsonl

Writes the statements of reasons applied in [since, until) as JSON lines, oldest first. Fails
(exit 1, the case named) if one cannot be built, leaving no partial file behind."""

import os
from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from transparency.export import export_lines
from transparency.statements import StatementError


def _day(value: str, name: str) -> datetime:
    try:
        d = date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{name} must be a date like 2026-01-31, not {value!r}") from exc
    return timezone.make_aware(datetime.combine(d, time.min), timezone.get_fixed_timezone(0))


class Command(BaseCommand):
    help = "Export statements of reasons (DSA Transparency Database format) as JSON lines."

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help="First day (UTC), YYYY-MM-DD")
        parser.add_argument("--until", help="Day after the last (UTC), YYYY-MM-DD; default: no end")
        parser.add_argument("--out", required=True, help="File to write ('-' for standard output)")

    def handle(self, *args, since, until, out, **options):
        lo = _day(since, "--since")
        hi = _day(until, "--until") if until else None
        if hi is not None and hi <= lo:
            raise CommandError("--until must be after --since")
        count = 0
        if out == "-":
            try:
                for line in export_lines(since=lo, until=hi):
                    self.stdout.write(line, ending="")
                    count += 1
            except StatementError as exc:
                raise CommandError(str(exc)) from exc
            return
        tmp = f"{out}.part"
        try:
            with open(tmp, "w", encoding="utf-8") as fh:
                for line in export_lines(since=lo, until=hi):
                    fh.write(line)
                    count += 1
        except StatementError as exc:
            os.unlink(tmp)
            raise CommandError(str(exc)) from exc
        os.replace(tmp, out)
        self.stderr.write(f"{count} statement(s) written to {out}")
