"""What a reporter describes for a right that is not registered: one spec per kind, read by the
report form (its fields and labels), the reports API (the `unregistered_right` object) and
services.right_describe_unregistered, which checks it with unregistered_right_clean.

What each kind asks, and why:
- trademark: an unregistered mark is protected by its use (US Lanham Act §43(a), passing off and
  the use-based rights of several EU states): the mark, since when it is used in commerce, in which
  countries, and how (the goods, how buyers know it).
- design: the EU protects an unregistered design for three years from the day it was first made
  available to the public in the EU (Regulation 6/2002, art. 11): the product, that day (the right
  expires three years later, and rights_expire_due expires it) and the features of its appearance.
- copyright: needs no registration. A copyright a brand admin enters in the registry without a
  number is still a registered (claimed) right: a reviewer checks it and it can become verified.
  One described in a report is checked by nobody before the case, so it is unregistered like the
  others and goes to the lowest lane.
- patent: none. A patent exists only once it is granted.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from common import dates

from .choices import RightKind, WorkType
from .countries import is_country

UNREGISTERED_DESIGN_YEARS = 3

PATENT_REFUSAL = ("A patent protects an invention only once it is granted: there is no unregistered patent. "
                  "Register the granted patent under your brand first, then choose it here.")


class DescribeError(Exception):
    """A described right that cannot be accepted; `field` names the spec field (or "kind")."""

    def __init__(self, message: str, field: str):
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class DescribedField:
    name: str  # the IPRight column it fills
    label: str
    help: str
    required: bool = True
    widget: str = "text"  # text, textarea, date, countries, choice
    choices: list = field(default_factory=list)
    max_length: int = 200


SPECS: dict[str, list[DescribedField]] = {
    RightKind.TRADEMARK: [
        DescribedField("name", "The mark", "The words of the mark as you use them. For a logo without words, "
                       "describe it in a few words."),
        DescribedField("first_used_on", "In use in commerce since",
                       "The day you first sold goods or services under the mark (the first of the month if "
                       "you know only the month).", widget="date"),
        DescribedField("use_countries", "Countries where it is used",
                       "ISO country codes, separated by commas: US, CA, DE.", widget="countries"),
        DescribedField("description", "How the mark is used",
                       "The goods or services you sell under it, where buyers see it, and what shows they "
                       "know it (sales, advertising, press).", widget="textarea", max_length=5000),
    ],
    RightKind.DESIGN: [
        DescribedField("name", "The design", "A short name, e.g. “Aurora lamp shape”."),
        DescribedField("product", "Product", "The product the design is applied to, e.g. “table lamp”."),
        DescribedField("first_published_on", "First made available to the public",
                       f"When the design was first shown, sold or published in the EU. An unregistered design "
                       f"is protected for {UNREGISTERED_DESIGN_YEARS} years from that day.", widget="date"),
        DescribedField("description", "Features of its appearance",
                       "What makes the design: lines, contours, shape, colours, texture, ornamentation.",
                       widget="textarea", max_length=5000),
    ],
    RightKind.COPYRIGHT: [
        DescribedField("name", "Title of the work", "E.g. “Aurora lamp product photo”."),
        DescribedField("work_type", "Type of work", "", widget="choice", choices=list(WorkType.choices)),
        DescribedField("author", "Author", "The person who created it (an employee, for a work made for hire)."),
        DescribedField("first_published_on", "First publication", "Leave empty for an unpublished work.",
                       required=False, widget="date"),
        DescribedField("description", "About the work",
                       "Optional: what the work is and how your brand came to own it.", required=False,
                       widget="textarea", max_length=5000),
    ],
}

def describable(kind: str) -> bool:
    return kind in SPECS


def unregistered_right_clean(*, kind: str, values: dict, today: date | None = None) -> dict:
    """Check what the reporter described; return the IPRight columns to create (registered False,
    and expires_on for a design). Raises DescribeError naming the field; unknown keys are refused,
    so an API caller learns about a typo."""
    if kind == RightKind.PATENT:
        raise DescribeError(PATENT_REFUSAL, field="kind")
    spec = SPECS.get(kind)
    if spec is None:
        raise DescribeError(f"“{kind}” is not a kind of right.", field="kind")
    unknown = sorted(set(values) - {f.name for f in spec} - {"kind"})
    if unknown:
        raise DescribeError(f"An unregistered {kind} does not take: {', '.join(unknown)}.", field=unknown[0])
    today = today or timezone.localdate()
    out: dict = {"registered": False}
    for f in spec:
        value = _clean_value(f, values.get(f.name), today)
        if f.required and not value:
            raise DescribeError(f"{f.label}: this is required to describe an unregistered {kind}.", field=f.name)
        if value:
            out[f.name] = value
    if kind == RightKind.DESIGN:
        disclosed = out["first_published_on"]
        ends = _add_years(disclosed, UNREGISTERED_DESIGN_YEARS)
        if ends <= today:
            raise DescribeError(
                f"An unregistered design is protected for {UNREGISTERED_DESIGN_YEARS} years from when it was "
                f"first made available to the public; this one's protection ended on {dates.day(ends)}. Only a "
                "registered design can support a report now.", field="first_published_on")
        out["expires_on"] = ends
    return out


def _clean_value(f: DescribedField, raw, today: date):
    if f.widget == "date":
        day = _as_date(raw, f)
        if day and day > today:
            raise DescribeError(f"{f.label}: the date cannot be in the future.", field=f.name)
        return day
    if f.widget == "countries":
        codes = raw if isinstance(raw, list | tuple) else str(raw or "").replace(",", " ").split()
        codes = [str(c).strip().upper() for c in codes if str(c).strip()]
        bad = [c for c in codes if not is_country(c)]
        if bad:
            raise DescribeError(f"Not ISO 3166-1 country codes: {', '.join(bad[:10])}. Use two letters, e.g. "
                                "US, DE.", field=f.name)
        return sorted(set(codes))
    if not isinstance(raw, str | type(None)):
        raise DescribeError(f"{f.label}: give text.", field=f.name)
    value = (raw or "").strip()
    if len(value) > f.max_length:
        raise DescribeError(f"{f.label}: at most {f.max_length} characters.", field=f.name)
    if f.widget == "choice" and value and value not in {c for c, _ in f.choices}:
        raise DescribeError(f"{f.label}: choose one of {', '.join(c for c, _ in f.choices)}.", field=f.name)
    return value


def _as_date(raw, f: DescribedField) -> date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise DescribeError(f"{f.label}: enter a date as YYYY-MM-DD.", field=f.name) from None


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def described_facts(right) -> list[tuple[str, str]]:
    """(label, text) of each thing the reporter described, in the spec's order."""
    rows = []
    for f in SPECS.get(right.kind, []):
        if f.name == "name":
            continue
        value = getattr(right, f.name)
        if not value:
            continue
        if f.widget == "date":
            value = f"{dates.day(value)}"
        elif f.widget == "countries":
            value = ", ".join(value)
        elif f.widget == "choice":
            value = dict(f.choices).get(value, value)
        rows.append((f.label, str(value)))
    if right.kind == RightKind.DESIGN and right.expires_on:
        rows.append(("Protected until", f"{dates.day(right.expires_on)}"))
    return rows


def described_summary(right) -> str:
    """One line for a statement of reasons: what the reporter described the right as."""
    return "; ".join(f"{label.lower()}: {value}" for label, value in described_facts(right)
                     if label not in ("How the mark is used", "Features of its appearance", "About the work"))
