"""Forms for the registry. One form per kind of right: each asks for what that kind needs."""

import re

from django import forms
from django.conf import settings
from django.utils import timezone

from accounts.forms import PasswordPairForm
from evidence.content import ACCEPTED
from listings.models import Seller

from .countries import COUNTRY_CHOICES
from .models import BrandRole, MarkType, RightKind, RuleMode, WorkType
from .offices import number_problem, offices_for_kind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: str, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE, help_text=help_text,
                           error_messages={"invalid": "Enter a date as YYYY-MM-DD."})


def _country_field(**kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=[("", "— choose a country —"), *[(c, f"{n} ({c})") for c, n in COUNTRY_CHOICES]],
        error_messages={"invalid_choice": "“%(value)s” is not an ISO 3166-1 country code. Choose a country "
                                          "from the list."}, **kwargs)


class BrandForm(forms.Form):
    name = forms.CharField(max_length=200, label="Brand name")
    website = forms.URLField(required=False, label="Website", assume_scheme="https", max_length=200,
                             help_text="The brand's official site, e.g. https://acme.example")
    owner_company = forms.CharField(max_length=200, label="Owner company",
                                    help_text="The legal entity that owns the brand's rights.")
    country = _country_field(label="Country", help_text="Where the owner company is established.")


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email")
    role = forms.ChoiceField(choices=BrandRole.choices, widget=forms.RadioSelect, initial=BrandRole.AGENT,
                             label="Role", help_text="Admins manage members, rights and rules. Agents act for "
                                                     "the brand (file and follow reports) under its authorization.")
    authorized_until = _date("Agent authorized until", required=False,
                             help_text="Optional. The agent's authorization ends after this day.")


class RightForm(forms.Form):
    """Shared fields and checks; subclasses say which fields their kind has."""

    kind: str
    office = forms.ChoiceField(label="Office")
    registration_number = forms.CharField(max_length=64, label="Registration number",
                                          help_text="As printed on the registration certificate.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "office" in self.fields:
            self.fields["office"].choices = [("", "— choose the office —"), *offices_for_kind(self.kind)]
            self.fields["office"].error_messages["invalid_choice"] = (
                f"“%(value)s” is not an office that registers {self.kind}s. Choose one from the list, "
                "or “Other office”.")

    def clean_registration_number(self):
        return re.sub(r"[\s,]", "", self.cleaned_data["registration_number"]).upper()

    def clean(self):
        data = super().clean()
        office, number = data.get("office"), data.get("registration_number")
        if number and (office or "office" not in self.fields):
            problem = number_problem(office=office or "OTHER", kind=self.kind, number=number)
            if problem:
                self.add_error("registration_number", problem)
        registered, expires = data.get("registered_on"), data.get("expires_on")
        if registered and expires and expires <= registered:
            self.add_error("expires_on", "The expiry date must be after the registration date.")
        if registered and registered > timezone.localdate():
            self.add_error("registered_on", "The registration date cannot be in the future.")
        return data

    def right_fields(self) -> dict:
        """The cleaned values as IPRight columns."""
        data = {k: v for k, v in self.cleaned_data.items() if k in self.fields}
        data.setdefault("office", "")
        return data


class TrademarkForm(RightForm):
    kind = RightKind.TRADEMARK
    name = forms.CharField(max_length=200, label="Mark text",
                           help_text="The words of the mark exactly as registered. For a logo without words, "
                                     "describe it in a few words.")
    mark_type = forms.ChoiceField(choices=MarkType.choices, widget=forms.RadioSelect, initial=MarkType.WORD,
                                  label="Type of mark")
    nice_classes = forms.CharField(label="Nice classes", max_length=200,
                                   help_text="The classes of goods and services it is registered for, 1 to 45, "
                                             "separated by commas: 9, 25")
    registered_on = _date("Registration date")
    expires_on = _date("Expiry date", help_text="The end of the current registration term.")
    field_order = ["name", "mark_type", "office", "registration_number", "nice_classes", "registered_on",
                   "expires_on"]

    def clean_nice_classes(self):
        raw = [p for p in re.split(r"[\s,;]+", self.cleaned_data["nice_classes"]) if p]
        classes = []
        for part in raw:
            if not part.isdigit() or not 1 <= int(part) <= 45:
                raise forms.ValidationError(f"“{part}” is not a Nice class; classes run from 1 to 45.")
            classes.append(int(part))
        if not classes:
            raise forms.ValidationError("Give at least one Nice class.")
        return sorted(set(classes))


class PatentForm(RightForm):
    kind = RightKind.PATENT
    registration_number = forms.CharField(max_length=64, label="Patent number",
                                          help_text="The granted patent's number, e.g. US11234567B2.")
    name = forms.CharField(max_length=200, label="Title of the invention")
    registered_on = _date("Grant date", required=False)
    expires_on = _date("Expiry date")
    claims = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=20_000,
                             label="Independent claims relied on",
                             help_text="Paste the independent claims you will read on infringing products, "
                                       "with their numbers.")
    field_order = ["office", "registration_number", "name", "registered_on", "expires_on", "claims"]


class DesignForm(RightForm):
    kind = RightKind.DESIGN
    name = forms.CharField(max_length=200, label="Design title", help_text="As on the registration.")
    product = forms.CharField(max_length=200, label="Product",
                              help_text="The product the design is applied to, e.g. “wireless earbuds case”.")
    registered_on = _date("Registration date", required=False)
    expires_on = _date("Expiry date")
    field_order = ["office", "registration_number", "name", "product", "registered_on", "expires_on"]


class CopyrightForm(RightForm):
    kind = RightKind.COPYRIGHT
    office = None  # copyright exists without registration; there is no office to choose
    name = forms.CharField(max_length=200, label="Title of the work")
    work_type = forms.ChoiceField(choices=WorkType.choices, label="Type of work")
    author = forms.CharField(max_length=200, label="Author")
    first_published_on = _date("First publication", required=False,
                               help_text="Leave empty for an unpublished work.")
    registration_number = forms.CharField(max_length=64, required=False, label="Registration number",
                                          help_text="Optional: a copyright office registration, e.g. VA0002123456.")
    field_order = ["name", "work_type", "author", "first_published_on", "registration_number"]

    def clean_first_published_on(self):
        day = self.cleaned_data["first_published_on"]
        if day and day > timezone.localdate():
            raise forms.ValidationError("The first publication cannot be in the future.")
        return day


RIGHT_FORMS: dict[str, type[RightForm]] = {
    RightKind.TRADEMARK: TrademarkForm, RightKind.PATENT: PatentForm,
    RightKind.DESIGN: DesignForm, RightKind.COPYRIGHT: CopyrightForm,
}


def right_form_initial(right) -> dict:
    form_cls = RIGHT_FORMS[right.kind]
    initial = {name: getattr(right, name) for name in form_cls.base_fields}
    if right.kind == RightKind.TRADEMARK:
        initial["nice_classes"] = ", ".join(str(c) for c in right.nice_classes)
    return initial


# --- verification ----------------------------------------------------------------------------

class SendCodeForm(forms.Form):
    checked = forms.BooleanField(
        label="I checked this registration against the office record: number, owner, mark or title and dates match.",
        error_messages={"required": "Check the office record first, then tick this box."})
    correspondent_email = forms.EmailField(
        label="Correspondent email on the office record",
        help_text="The code goes to this address, never to one the rights holder typed.")


class RejectForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label="Reason",
                             help_text="The rights holder reads this: say what does not match and what to do.")


class CodeForm(forms.Form):
    code = forms.CharField(max_length=20, label="Verification code",
                           help_text="8 digits, from the email sent to the correspondent on the office record.",
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


# --- protection rules ------------------------------------------------------------------------

# A brand's rule lists: enough for a large brand's authorized sellers and watched terms, small
# enough that one save cannot ask the monitor to rebuild around tens of thousands of entries.
RULE_MAX_SELLERS, RULE_MAX_TERMS, RULE_TERM_MAX_CHARS = 500, 200, 100


def _lines(text: str, *, max_items: int | None = None, max_chars: int | None = None) -> list[str]:
    lines = [line.strip() for line in re.split(r"[\n,]", text) if line.strip()]
    if max_items is not None and len(lines) > max_items:
        raise forms.ValidationError(f"{len(lines)} entries; at most {max_items}.")
    too_long = [line for line in lines if max_chars is not None and len(line) > max_chars]
    if too_long:
        raise forms.ValidationError(f"“{too_long[0][:40]}…” is longer than {max_chars} characters.")
    return lines


class RulesForm(forms.Form):
    countries = forms.MultipleChoiceField(
        choices=COUNTRY_CHOICES, required=False, widget=forms.CheckboxSelectMultiple,
        label="Authorized ships-from countries",
        help_text="Genuine goods ship only from these countries. Leave all unticked to not use this rule.",
        error_messages={"invalid_choice": "“%(value)s” is not an ISO 3166-1 country code."})
    countries_mode = forms.ChoiceField(choices=RuleMode.choices, widget=forms.RadioSelect, initial=RuleMode.FLAG,
                                       label="A listing using your mark that ships from elsewhere is")
    sellers = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "S-1001"}), required=False, max_length=40_000,
        label="Authorized sellers", help_text="Marketplace seller ids, one per line. Leave empty to not use this rule.")
    sellers_mode = forms.ChoiceField(choices=RuleMode.choices, widget=forms.RadioSelect, initial=RuleMode.FLAG,
                                     label="A listing using your mark by another seller is")
    extra_terms = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Extra terms to watch", max_length=20_000,
        help_text="One per line: product names, slogans. Your verified trademarks are watched already.")
    misspellings = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Common misspellings", max_length=20_000,
        help_text="One per line, e.g. ACMEE, AKME. Matching ignores case and accents.")

    def clean_sellers(self):
        ids = _lines(self.cleaned_data["sellers"], max_items=RULE_MAX_SELLERS, max_chars=64)
        found = {s.external_id: s for s in Seller.objects.filter(external_id__in=ids)}
        missing = [i for i in ids if i not in found]
        if missing:
            raise forms.ValidationError(f"No seller with id {', '.join(missing[:10])}. Use the marketplace's "
                                        "seller id, e.g. S-1001.")
        return list(found.values())

    def clean_extra_terms(self):
        return _lines(self.cleaned_data["extra_terms"], max_items=RULE_MAX_TERMS, max_chars=RULE_TERM_MAX_CHARS)

    def clean_misspellings(self):
        return _lines(self.cleaned_data["misspellings"], max_items=RULE_MAX_TERMS, max_chars=RULE_TERM_MAX_CHARS)


class RightDocumentForm(forms.Form):
    """One registration document or image. The file is checked by content when stored
    (registry.documents.right_document_add, through the evidence app)."""

    role = forms.ChoiceField(label="What it is", choices=())
    file = forms.FileField(label="File", allow_empty_file=True)

    def __init__(self, *args, roles: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "— choose —"), *roles]
        self.fields["file"].help_text = (
            f"{ACCEPTED}; up to {settings.EVIDENCE_MAX_FILE_BYTES // 2**20} MB. Mark and design images: PNG, "
            "JPEG or WebP (not SVG). Files are checked by their content.")
        self.fields["file"].widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg,.webp,.txt"


class RenewForm(forms.Form):
    """A renewal: the new expiry date and the office's renewal document (registry.renewals.right_renew,
    which checks the date against the current one and the file by its content)."""

    expires_on = _date("New expiry date", help_text="As on the renewal certificate: the date the renewed "
                                                    "registration runs to.")
    file = forms.FileField(label="Renewal certificate or extract", allow_empty_file=True,
                           error_messages={"required": "Upload the office's renewal certificate or extract: a "
                                                       "reviewer checks the renewal against it."})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"{ACCEPTED}; up to {settings.EVIDENCE_MAX_FILE_BYTES // 2**20} MB. Files are checked by their content.")
        self.fields["file"].widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg,.webp,.txt"


class InvitationSignupForm(PasswordPairForm):
    """The account an invitation creates: the address is the invitation's, the rest is typed."""

    def __init__(self, *args, email: str, **kwargs):
        self._email = email
        super().__init__(*args, **kwargs)

    def email_for_validation(self) -> str:
        return self._email


class BrandHoldForm(forms.Form):
    decision = forms.ChoiceField(widget=forms.RadioSelect, label="Decision", choices=[
        ("release", "Release: the brand's members may file again"),
        ("keep", "Keep held: its notices keep waiting")])
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label="Reason",
                             help_text="Kept in the brand's history: what you checked and why.")
