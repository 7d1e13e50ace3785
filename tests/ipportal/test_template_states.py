"""Templates ask a model's state question (`job.is_running`, `case.awaits_reporter`), never compare
its stored value to a string (`job.status == "running"`): the rule lives in one place, the model.
This test reads the templates: it fails on a `.state/.status/.kind/.mode/.outcome/.reason_code`
compared to a quoted string inside a template tag, outside the subjects listed here."""

import re
from pathlib import Path

from django.conf import settings

FIELD = r"\.(?:state|status|kind|mode|outcome|reason_code|level|party|source)"
QUOTED = r"(?:\"[^\"]*\"|'[^']*')"
OP = r"(?:==|!=|\bnot\s+in\b|\bin\b)"
RAW_COMPARE = re.compile(rf"(?P<a>[\w.]+){FIELD}\s*{OP}\s*{QUOTED}|{QUOTED}\s*{OP}\s*(?P<b>[\w.]+){FIELD}\b")
TAG = re.compile(r"{%.*?%}", re.S)

# subject -> why it may be compared to a string. Keep it short.
ALLOWED = {
    "spec": "a report kind's form spec (complaints.kinds.KindSpec), not a stored model value",
}


def raw_compares(text: str) -> list[tuple[int, str]]:
    """(line, tag) for each raw state compare in a template's tags."""
    found = []
    for tag in TAG.finditer(text):
        for m in RAW_COMPARE.finditer(tag.group()):
            if (m.group("a") or m.group("b")) not in ALLOWED:
                found.append((text.count("\n", 0, tag.start()) + 1, m.group()))
    return found


def test_templates_ask_state_questions_instead_of_comparing_stored_strings():
    base = Path(settings.BASE_DIR)
    found = [f"{path.relative_to(base).as_posix()}:{line}: {what}"
             for path in sorted((base / "templates").rglob("*")) if path.is_file()
             for line, what in raw_compares(path.read_text())]
    assert not found, "Ask a model property (e.g. Case.is_open) instead:\n" + "\n".join(found)


def test_the_scan_catches_a_planted_raw_compare():
    planted = ('<p>\n{% if job.status == "running" %}a{% endif %}{% if "open" != c.state %}b{% endif %}\n'
               "{% if case.detection.mode == 'suppress' %}c{% elif d.reason_code in \"x y\" %}d{% endif %}</p>")
    assert raw_compares(planted) == [(2, 'job.status == "running"'), (2, '"open" != c.state'),
                                     (3, "case.detection.mode == 'suppress'"), (3, 'd.reason_code in "x y"')]


def test_the_scan_passes_questions_filter_values_css_classes_and_allowed_subjects():
    fine = ('{% if job.is_running %}<span class="state state-{{ c.state }}">{{ c.status }}</span>{% endif %}'
            '{% if f == status %}{% endif %}{% if f.label == "Status" %}{% endif %}'
            '{% if c.status_label == "x" %}{% endif %}{% if spec.kind != "patent" %}{% endif %}')
    assert raw_compares(fine) == []
