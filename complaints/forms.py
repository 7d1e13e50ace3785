from django import forms
from django.conf import settings

from evidence.content import ACCEPTED
from evidence.forms import EvidenceUploadField
from evidence.models import EvidenceFile
from listings.selectors import listings_by_external_ids, parse_listing_refs
from registry.models import Brand, IPRight, RightKind, RightStatus
from registry.selectors import brands_for_user
from registry.unregistered import SPECS as DESCRIBED_SPECS
from registry.unregistered import DescribedField, DescribeError, unregistered_right_clean

from .kinds import SPECS, DetailField
from .models import ReporterCapacity
from .selectors import ReportFilterState, evidence_carriable
from .services import MAX_LISTINGS_PER_REPORT

# The listings box: 300 listing URLs of up to ~300 characters each. A CSV merged into it counts too.
LISTINGS_BOX_MAX_CHARS = 100_000

DECLARATIONS = {
    "decl_good_faith": "I have a good-faith belief that use of the material in the manner complained "
                       "of is not authorized by the rights owner, its agent, or the law.",
    "decl_accurate": "The information in this notice is accurate.",
    "decl_authority": "Under penalty of perjury, I am the owner of the right described, or authorized "
                      "to act on the owner's behalf.",
}


def _declaration(name: str) -> forms.BooleanField:
    # Django's default "This field is required." beside a checkbox does not say what to do.
    return forms.BooleanField(label=DECLARATIONS[name],
                              error_messages={"required": "Tick this declaration to file the report."})


def _detail_field(spec: DetailField) -> forms.Field:
    common = {"label": spec.label, "help_text": spec.help, "required": spec.required}
    if spec.widget == "multi":
        return forms.MultipleChoiceField(choices=spec.choices, widget=forms.CheckboxSelectMultiple, **common)
    if spec.widget == "choice":
        return forms.ChoiceField(choices=[("", "— choose —"), *spec.choices], **common)
    if spec.widget == "url":
        return forms.URLField(max_length=spec.max_length, assume_scheme="https", **common)
    widget = forms.Textarea(attrs={"rows": 4}) if spec.widget == "textarea" else None
    return forms.CharField(max_length=spec.max_length, widget=widget, **common)


def _described_field(spec: DescribedField) -> forms.Field:
    """A form field for one thing an unregistered right's description asks (registry.unregistered).
    Not required here: only when the reporter chose to describe a right (ReportForm.clean)."""
    common = {"label": spec.label, "help_text": spec.help, "required": False}
    if spec.widget == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               error_messages={"invalid": "Enter a date as YYYY-MM-DD."}, **common)
    if spec.widget == "choice":
        return forms.ChoiceField(choices=[("", "— choose —"), *spec.choices], **common)
    if spec.widget == "countries":
        return forms.CharField(max_length=500, widget=forms.TextInput(attrs={"placeholder": "US, CA"}), **common)
    widget = forms.Textarea(attrs={"rows": 3}) if spec.widget == "textarea" else None
    return forms.CharField(max_length=spec.max_length, widget=widget, **common)


UNREG = "unreg_"  # prefix of the description fields in the form (the kind's answers use plain names)


class ReportForm(forms.Form):
    """The common part of every report; __init__ adds the fields of the kind (complaints.kinds) and,
    for kinds that exist without registration, those describing an unregistered right."""

    kind = RightKind.TRADEMARK
    right_source = forms.ChoiceField(
        choices=[("registered", "A right registered under your brand"),
                 ("unregistered", "A right that is not registered: describe it")],
        widget=forms.RadioSelect, initial="registered", label="The right you rely on", required=False,
        error_messages={"invalid_choice": "Choose a registered right, or describe one that is not registered."})
    right = forms.ModelChoiceField(queryset=IPRight.objects.none(), label="Right", required=False)
    unreg_brand = forms.ModelChoiceField(queryset=Brand.objects.none(), required=False,
                                         label="Brand that owns the right", empty_label="— choose the brand —",
                                         help_text="The right is created for this brand with the report.",
                                         error_messages={"invalid_choice": "Choose one of the brands you act for."})
    capacity = forms.ChoiceField(choices=ReporterCapacity.choices, widget=forms.RadioSelect,
                                 label="You are")
    listings = forms.CharField(
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": "L-000123\nhttps://market.example/listing/L-000124"}
        ),
        label="Listings", max_length=LISTINGS_BOX_MAX_CHARS,
        help_text=f"Listing ids or URLs, one per line (up to {MAX_LISTINGS_PER_REPORT}). Duplicates are merged. "
                  "Find listings with the search below, or upload a CSV.",
        error_messages={"max_length": f"Too many listings: a report takes at most {MAX_LISTINGS_PER_REPORT} "
                                     f"(and this box {LISTINGS_BOX_MAX_CHARS:,} characters). Split them over "
                                     "several reports, or file them through the API."},
    )
    listings_csv = forms.FileField(
        required=False, label="Or upload a CSV file of listing ids",
        help_text="One listing id or URL per row, in the first column; a header row is optional. "
                  "Its listings are added to the box above.",
    )
    explanation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), max_length=10_000,
        label="Explanation", help_text="How the listings infringe the right: what you saw, where on the listing.",
    )
    contact_email = forms.EmailField(label="Contact email", max_length=254,
                                     help_text="Where we send the confirmation and questions.")
    evidence = forms.ModelMultipleChoiceField(
        queryset=EvidenceFile.objects.none(), required=False, widget=forms.MultipleHiddenInput,
        error_messages={"invalid_choice": "A file listed as uploaded is no longer available; upload it again.",
                        "invalid_pk_value": "A file listed as uploaded is no longer available; upload it again."},
    )
    evidence_upload = EvidenceUploadField(
        required=False, label="Add evidence files",
        help_text=f"{ACCEPTED}; up to {{file_mb}} MB each, {{total_mb}} MB and {{files}} files per report. "
                  "Screenshots of the listing, test-buy photos, invoices. Files are checked by their content.",
    )
    decl_good_faith = _declaration("decl_good_faith")
    decl_accurate = _declaration("decl_accurate")
    decl_authority = _declaration("decl_authority")
    signature = forms.CharField(max_length=200, label="Electronic signature",
                                help_text="Type your full legal name.")

    def __init__(self, *args, user, draft=None, kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind or self.kind
        self.spec = SPECS[self.kind]
        self.user = user
        for spec in self.spec.fields:
            self.fields[spec.name] = _detail_field(spec)
        self.fields["evidence"].queryset = evidence_carriable(user=user, draft=draft)
        upload = self.fields["evidence_upload"]
        upload.help_text = upload.help_text.format(
            file_mb=settings.EVIDENCE_MAX_FILE_BYTES // 2**20, total_mb=settings.EVIDENCE_MAX_OWNER_BYTES // 2**20,
            files=settings.EVIDENCE_MAX_OWNER_FILES,
        )
        # A hint for the file picker only; the server decides by content.
        upload.widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg,.webp,.txt,.csv"
        # Only the rights of brands this user acts for: someone else's right id is not a choice.
        rights = IPRight.objects.filter(
            brand__in=brands_for_user(user=user), kind=self.kind,
            status__in=[RightStatus.VERIFIED, RightStatus.PENDING],
        ).select_related("brand")
        self.fields["right"].queryset = rights
        if len(rights) == 1:
            self.fields["right"].initial = rights[0].pk
        self.fields["right"].label_from_instance = lambda r: f"{r.brand} — {r} ({r.status_label})"
        self.fields["right"].label = self.spec.right_label
        self.fields["right"].help_text = (f"The {self.spec.right_label.lower()} this report relies on. Verified "
                                          "rights are reviewed first; pending ones at lower priority, and "
                                          "unregistered ones last.")
        self._add_described_fields(user=user, has_rights=bool(rights))

    def _add_described_fields(self, *, user, has_rights: bool) -> None:
        self.described = DESCRIBED_SPECS.get(self.kind, [])
        if not self.described:  # a patent exists only once granted: nothing to describe
            del self.fields["right_source"], self.fields["unreg_brand"]
            return
        brands = brands_for_user(user=user).order_by("name")
        self.fields["unreg_brand"].queryset = brands
        if len(brands) == 1:
            self.fields["unreg_brand"].initial = brands[0].pk
        if not has_rights:
            self.fields["right_source"].initial = "unregistered"
        for spec in self.described:
            self.fields[UNREG + spec.name] = _described_field(spec)

    @property
    def detail_fields(self) -> list:
        return [self[spec.name] for spec in self.spec.fields]

    @property
    def described_fields(self) -> list:
        return [self[UNREG + spec.name] for spec in self.described]

    @property
    def describes_unregistered(self) -> bool:
        return bool(self.described) and self.cleaned_data.get("right_source") == "unregistered"

    def clean(self):
        data = super().clean()
        if self.describes_unregistered:
            self._clean_described(data)
        elif not data.get("right") and "right" not in self.errors:
            self.add_error("right", f"Choose the {self.spec.right_label.lower()} this report relies on"
                                    + (", or describe a right that is not registered." if self.described else "."))
        return data

    def _clean_described(self, data) -> None:
        if not data.get("unreg_brand") and "unreg_brand" not in self.errors:
            self.add_error("unreg_brand", "Choose the brand that owns this right.")
        missing = [s for s in self.described if s.required and not data.get(UNREG + s.name)
                   and UNREG + s.name not in self.errors]
        for spec in missing:
            self.add_error(UNREG + spec.name, f"{spec.label}: this is required to describe an unregistered "
                                              f"{self.kind}.")
        if missing or any(name.startswith(UNREG) for name in self.errors):
            return
        try:
            unregistered_right_clean(kind=self.kind, values=self.unregistered_right())
        except DescribeError as exc:
            self.add_error(self.field_for(f"unregistered_right.{exc.field}"), str(exc))

    def unregistered_right(self) -> dict | None:
        """The description as report_submit takes it, or None when the report relies on a registered right."""
        if not self.describes_unregistered:
            return None
        return {"kind": self.kind, **{s.name: self.cleaned_data.get(UNREG + s.name) for s in self.described}}

    def report_brand_and_right(self) -> tuple[Brand, IPRight | None]:
        if self.describes_unregistered:
            return self.cleaned_data["unreg_brand"], None
        return self.cleaned_data["right"].brand, self.cleaned_data["right"]

    def field_for(self, error_field: str | None) -> str | None:
        """The form field a service error names (report_submit says unregistered_right.<name>)."""
        if error_field and error_field.startswith("unregistered_right."):
            name = UNREG + error_field.split(".", 1)[1]
            return name if name in self.fields else "right_source" if "right_source" in self.fields else "right"
        return error_field if error_field in self.fields else None

    def details(self) -> dict:
        """The kind's answers, as report_submit takes them."""
        return {spec.name: self.cleaned_data.get(spec.name) for spec in self.spec.fields}

    def clean_listings(self):
        refs = parse_listing_refs(self.cleaned_data["listings"])
        if not refs:
            raise forms.ValidationError("Add at least one listing id or URL.")
        if len(refs) > MAX_LISTINGS_PER_REPORT:
            raise forms.ValidationError(
                f"{len(refs)} listings given; a report takes at most {MAX_LISTINGS_PER_REPORT}. "
                "Split them over several reports."
            )
        found = listings_by_external_ids(ids=refs)
        missing = [r for r in refs if r not in found]
        if missing:
            shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
            raise forms.ValidationError(
                f"No listing found for: {shown}. Check the id, or paste the listing's URL."
            )
        return [found[r] for r in refs]

    def clean_evidence(self):
        files = self.cleaned_data["evidence"]
        if len(files) > settings.EVIDENCE_MAX_OWNER_FILES:
            raise forms.ValidationError(f"At most {settings.EVIDENCE_MAX_OWNER_FILES} files per report.")
        return files

    def clean_explanation(self):
        text = self.cleaned_data["explanation"].strip()
        if not text:
            raise forms.ValidationError("Explain how the listings infringe the right.")
        return text

    def clean_signature(self):
        sig = self.cleaned_data["signature"].strip()
        if len(sig.split()) < 2:
            raise forms.ValidationError("Type your full name (first and last name) to sign.")
        return sig


class ReportFilterForm(forms.Form):
    state = forms.ChoiceField(required=False, choices=[("", "Any state"), *ReportFilterState.choices])
    kind = forms.ChoiceField(required=False, label="Type", choices=[("", "Any type"), *RightKind.choices])
    brand = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    filed_from = forms.DateField(required=False, label="Filed from", widget=forms.DateInput(attrs={"type": "date"}))
    filed_to = forms.DateField(required=False, label="to", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, brands, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices from the brands the view already loaded: no second query for the select.
        self.brands = {b.pk: b for b in brands}
        self.fields["brand"].choices = [("", "Any brand"), *[(b.pk, b.name) for b in brands]]

    def clean_brand(self):
        pk = self.cleaned_data["brand"]
        return self.brands.get(pk) if pk is not None else None
