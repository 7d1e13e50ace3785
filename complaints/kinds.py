"""What each kind of report asks for beyond the common part: one spec per kind, read by the
forms (fields and labels), the API (the `details` object) and report_submit (validation).

Kind-specific answers are stored in Report.details (JSON) rather than a dozen nullable columns:
nothing queries them by SQL, each kind has two to four free-text answers, and one spec keeps the
form, the API and the service asking the same questions. The trademark infringement type stays a
column (it existed before and reviewers filter on it).
"""

from dataclasses import dataclass, field

from certificates.selectors import certificate_exists
from registry.models import RightKind

from .models import InfringementType


class DetailsError(Exception):
    def __init__(self, message: str, field: str):
        self.field = field
        super().__init__(message)


class WhereOnListing:
    CHOICES = [("title", "Title"), ("images", "Images"), ("description", "Description"),
               ("product", "The product or its packaging"), ("brand_field", "Brand field")]


@dataclass(frozen=True)
class DetailField:
    name: str
    label: str
    help: str
    required: bool = True
    widget: str = "text"  # text (one line), textarea, url, multi (several choices)
    choices: list = field(default_factory=list)
    max_length: int = 5000


@dataclass(frozen=True)
class KindSpec:
    kind: str
    title: str
    summary: str
    right_label: str
    fields: list[DetailField]


SPECS: dict[str, KindSpec] = {s.kind: s for s in [
    KindSpec(
        RightKind.TRADEMARK, "Trademark",
        "Counterfeits, or your registered mark used in a listing's title, images, description or on the product.",
        "Registered trademark",
        [
            DetailField("infringement_type", "Type of infringement", "What the listing does with your mark.",
                        widget="choice", choices=list(InfringementType.choices)),
            DetailField("where_on_listing", "Where on the listing the mark appears",
                        "Tick every place a reviewer should look.", widget="multi",
                        choices=WhereOnListing.CHOICES),
            DetailField("test_buy_orders", "Test-buy order ids", "Optional: marketplace order ids of "
                        "test buys that received counterfeit goods, separated by commas.",
                        required=False, max_length=500),
        ],
    ),
    KindSpec(
        RightKind.PATENT, "Patent",
        "A product that practises the claims of your granted patent.",
        "Granted patent",
        [
            DetailField("claims", "Claims the product meets", "The claim numbers, e.g. “1, 4-6”. "
                        "At least one independent claim.", max_length=200),
            DetailField("claim_reading", "How the product meets each claim",
                        "For each claim, which feature of the listed product meets each element of it.",
                        widget="textarea"),
        ],
    ),
    KindSpec(
        RightKind.DESIGN, "Design",
        "A product whose appearance copies your design, registered or not.",
        "Registered design",
        [
            DetailField("copied_features", "Protected features copied",
                        "Which features of your design the product copies (shape, "
                        "contour, ornamentation, pattern), and where they show in the listing.",
                        widget="textarea"),
        ],
    ),
    KindSpec(
        RightKind.COPYRIGHT, "Copyright",
        "Your photos, texts, software or other works copied in a listing.",
        "Copyrighted work",
        [
            DetailField("original_work", "The original work",
                        "What the work is: e.g. “product photo of the Aurora lamp, 2023”.", max_length=500),
            DetailField("original_location", "Where the original is published",
                        "A URL where the original can be seen. If it is not published, attach its "
                        "registration certificate as evidence instead.", required=False, widget="url",
                        max_length=500),
            DetailField("copied_material", "What was copied",
                        "Which part of the listing copies the work: which image, which text.",
                        widget="textarea"),
            DetailField("certificate", "IP Portal certificate",
                        "Optional: the id of the work's certificate (e.g. IPC-…); the reviewer sees it "
                        "verified, and the seller gets a link to its public page.", required=False,
                        max_length=40),
        ],
    ),
]}


def details_clean(*, kind: str, values: dict, evidence_count: int) -> tuple[str, dict]:
    """Check a kind's answers; return (infringement_type, details) as stored on the Report.

    Raises DetailsError naming the field. Unknown keys are refused, not silently dropped, so an
    API caller learns about a typo.
    """
    spec = SPECS.get(kind)
    if spec is None:
        raise DetailsError(f"Unknown report type “{kind}”.", field="kind")
    names = {f.name for f in spec.fields}
    unknown = sorted(set(values) - names)
    if unknown:
        raise DetailsError(f"A {spec.title.lower()} report does not take: {', '.join(unknown)}.",
                           field=unknown[0])
    cleaned: dict = {}
    for f in spec.fields:
        value = values.get(f.name)
        if f.widget == "multi":
            value = [v for v in (value or []) if v]
            allowed = {c for c, _ in f.choices}
            if any(v not in allowed for v in value):
                raise DetailsError(f"Choose from: {', '.join(sorted(allowed))}.", field=f.name)
        else:
            value = str(value or "").strip()
            if len(value) > f.max_length:
                raise DetailsError(f"At most {f.max_length} characters.", field=f.name)
            if f.choices and value and value not in {c for c, _ in f.choices}:
                raise DetailsError("Choose one of the listed types.", field=f.name)
            if f.widget == "url" and value and not value.lower().startswith(("http://", "https://")):
                raise DetailsError("Give a web address starting with https://.", field=f.name)
        if f.required and not value:
            raise DetailsError(f"{f.label}: this is required for a {spec.title.lower()} report.", field=f.name)
        if value:
            cleaned[f.name] = value
    if cleaned.get("certificate"):
        cleaned["certificate"] = cleaned["certificate"].upper()
        if not certificate_exists(public_id=cleaned["certificate"]):
            raise DetailsError(f"No certificate {cleaned['certificate']}: give the id shown on its page.",
                               field="certificate")
    if (kind == RightKind.COPYRIGHT and not cleaned.get("original_location") and not cleaned.get("certificate")
            and evidence_count == 0):
        raise DetailsError("Say where the original is published, cite its IP Portal certificate, or attach "
                           "its registration certificate as evidence.", field="original_location")
    infringement_type = cleaned.pop("infringement_type", "")
    return infringement_type, cleaned


def report_details_display(*, report) -> list[tuple[str, str]]:
    """(label, text) for each answer the report's kind asked for, in the spec's order."""
    spec = SPECS.get(report.kind)
    if spec is None:
        return []
    rows = []
    for f in spec.fields:
        value = report.details.get(f.name)
        if not value:
            continue
        if f.widget == "multi":
            names = dict(f.choices)
            value = ", ".join(names.get(v, v) for v in value)
        rows.append((f.label, str(value)))
    return rows
