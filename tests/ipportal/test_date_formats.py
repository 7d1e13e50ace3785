"""One date format wherever people read dates (common.dates): "4 December 2026", "4 December 2026,
14:05 UTC", and deadlines with their weekday, "Friday 4 December 2026"."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

from django.template import engines

from common import dates

ROOT = Path(__file__).resolve().parents[2]
# Formats a template may still give `date` or `time` by hand: a compact day column ("Fri 4") and the
# time of day beside a day already shown.
ALLOWED_TEMPLATE_FORMATS = {("date", "D j"), ("time", "H:i")}
# Python that formats a date by hand: machine formats only (ISO 8601 in certificates, chart ticks).
ALLOWED_PY = {"certificates/services.py", "monitoring/views.py", "review/views.py", "legal/dossier.py",
              "transparency/report.py", "common/templatetags/dates.py", "review/forms.py",
              "legal/models.py"}  # an admin label, in a file another change owns
APPS = [p for p in ROOT.iterdir() if (p / "apps.py").exists() or p.name == "ipportal"]


def test_the_formats_read_as_people_write_them():
    moment = datetime(2026, 12, 4, 14, 5, tzinfo=UTC)
    assert dates.day(moment) == "4 December 2026"
    assert dates.moment(moment) == "4 December 2026, 14:05 UTC"
    assert dates.deadline(date(2026, 12, 4)) == "Friday 4 December 2026"
    assert dates.day(None) == dates.moment(None) == ""
    rendered = engines["django"].from_string("{{ d|date }} · {{ d|day }} · {{ d|moment }} · {{ d|deadline }}").render(
        {"d": moment})
    assert rendered == "4 December 2026 · 4 December 2026 · 4 December 2026, 14:05 UTC · Friday 4 December 2026"


def test_no_template_formats_a_date_by_hand():
    stray = []
    for path in (ROOT / "templates").rglob("*"):
        if path.suffix not in (".html", ".txt"):
            continue
        text = path.read_text()
        for name, fmt in re.findall(r"\|(date|time):[\"']([^\"']*)[\"']", text):
            if (name, fmt) not in ALLOWED_TEMPLATE_FORMATS:
                stray.append(f"{path.relative_to(ROOT)}: |{name}:{fmt!r}")
        for fmt in re.findall(r"\{% now [\"']([^\"']*)[\"']", text):
            if fmt not in ("DATE_FORMAT", "DATETIME_FORMAT", "Y"):
                stray.append(f"{path.relative_to(ROOT)}: {{% now {fmt!r} %}}")
    assert stray == [], "Use |day, |moment or |deadline (common.dates):\n" + "\n".join(stray)


def test_no_message_built_in_python_formats_a_date_by_hand():
    by_hand = re.compile(r"\{[^{}:]+:%[A-Za-z][^{}]*\}|strftime\(")
    stray = []
    for app in APPS:
        for path in app.rglob("*.py"):
            rel = str(path.relative_to(ROOT))
            if "migrations" in rel or rel in ALLOWED_PY:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if by_hand.search(line):
                    stray.append(f"{rel}:{number}: {line.strip()}")
    assert stray == [], "Use common.dates.day, moment or deadline:\n" + "\n".join(stray)
