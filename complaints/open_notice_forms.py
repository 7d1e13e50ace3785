from django import forms

from accounts.forms import BotTrapForm
from registry.models import RightKind

from .forms import DECLARATIONS
from .models import InfringementType, ReporterCapacity
from .open_notices import MAX_LISTINGS_PER_OPEN_NOTICE, OPEN_KINDS, open_notice_listings

EXPLANATION_MAX_CHARS = 5000


def _declaration(name: str) -> forms.BooleanField:
    return forms.BooleanField(label=DECLARATIONS[name],
                              error_messages={"required": "Tick this declaration to send the notice."})


class OpenNoticeForm(BotTrapForm):
    name = forms.CharField(label="Your full name", max_length=150)
    email = forms.EmailField(label="Your e-mail address", max_length=254,
                             help_text="We send a link to confirm it; your notice reaches a reviewer only then. "
                                       "The decision comes to this address.")
    capacity = forms.ChoiceField(label="You are", choices=ReporterCapacity.choices, widget=forms.RadioSelect)
    kind = forms.ChoiceField(label="Kind of right",
                             choices=[(k.value, k.label) for k in OPEN_KINDS], widget=forms.RadioSelect,
                             help_text="For a patent, sign up as a rights holder: a patent report needs the "
                                       "granted patent in your brand's registry.")
    right_name = forms.CharField(label="The mark, design or work", max_length=200,
                                 help_text="The trademark's words, the design's name, or the work's title.")
    rights_owner = forms.CharField(label="Who owns the right", max_length=200,
                                   help_text="The company or person that owns it.")
    registration = forms.CharField(label="Registration (optional)", max_length=200, required=False,
                                   help_text="Office and number, if registered, e.g. “EUIPO 018123456”.")
    infringement_type = forms.ChoiceField(label="How the listing infringes the trademark", required=False,
                                          choices=[("", "—")] + list(InfringementType.choices),
                                          help_text="Trademarks only.")
    listings = forms.CharField(
        label="Listings", max_length=MAX_LISTINGS_PER_OPEN_NOTICE * 300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"The address of each listing, one per line (at most {MAX_LISTINGS_PER_OPEN_NOTICE}).")
    explanation = forms.CharField(label="Explanation", max_length=EXPLANATION_MAX_CHARS,
                                  widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text=f"Why the listings infringe the right: what you saw and where. "
                                            f"At most {EXPLANATION_MAX_CHARS:,} characters.")
    decl_good_faith = _declaration("decl_good_faith")
    decl_accurate = _declaration("decl_accurate")
    decl_authority = _declaration("decl_authority")
    signature = forms.CharField(label="Signature", max_length=150,
                                help_text="Type your full name: it signs the declarations above.")

    def clean_listings(self):
        text = self.cleaned_data["listings"]
        listings, unknown = open_notice_listings(text)
        if unknown:
            raise forms.ValidationError(f"No listing found for: {', '.join(unknown[:5])}. Paste the listing's "
                                        "address as shown in your browser, one per line.")
        if not listings:
            raise forms.ValidationError("Add at least one listing.")
        if len(listings) > MAX_LISTINGS_PER_OPEN_NOTICE:
            raise forms.ValidationError(f"{len(listings)} listings given; a notice without an account takes at "
                                        f"most {MAX_LISTINGS_PER_OPEN_NOTICE}. Sign up to report more.")
        return text

    def clean_explanation(self):
        text = self.cleaned_data["explanation"].strip()
        if len(text) < 20:
            raise forms.ValidationError("Say in a sentence or two how the listings infringe the right.")
        return text

    def clean(self):
        data = super().clean()
        if data.get("kind") == RightKind.TRADEMARK and not data.get("infringement_type"):
            self.add_error("infringement_type", "Say how the listing infringes the trademark.")
        return data
