from django import forms

from complaints.models import Outcome
from complaints.reasons import reason_choices
from evidence.forms import EvidenceFormMixin, EvidenceUploadField


def _grant_deny(grant: str, deny: str, grant_label: str, deny_label: str) -> list:
    """The ruling's reasons grouped under Grant and Deny, the words the appellant reads."""
    blank, (_, grant_reasons), (_, deny_reasons) = reason_choices(grant, deny, appeal=True)
    return [blank, (f"Grant the appeal: {grant_label}", grant_reasons),
            (f"Deny the appeal: {deny_label}", deny_reasons)]


class AppealDecideForm(forms.Form):
    reason_code = forms.ChoiceField(choices=_grant_deny(Outcome.REINSTATE, Outcome.UPHOLD, "reinstate the listing",
                                                        "the restriction stands"),
                                    label="Ruling: grant or deny, with the reason")
    facts = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, label="Facts",
        help_text="What the appeal showed. The seller and the rights holder read this.",
    )


class ReporterAppealDecideForm(AppealDecideForm):
    """The ruling on a rights holder's appeal against the rejection of their report."""

    reason_code = forms.ChoiceField(choices=_grant_deny(Outcome.REMOVE, Outcome.REJECT, "remove the listing",
                                                        "the rejection stands"),
                                    label="Ruling: grant or deny, with the reason")


class AppealForm(EvidenceFormMixin, forms.Form):
    statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), max_length=10_000, label="Why the decision is wrong",
        help_text="For example: the goods are genuine (say where you bought them), or you are authorized "
                  "by the brand. A senior reviewer who did not make the decision reads this.",
    )
    evidence_upload = EvidenceUploadField(required=False, label="Evidence files")
    upload_help = "Invoices from your supplier, authorization letters or licences from the brand."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_upload()


class ReporterAppealForm(AppealForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statement"].label = "Why the rejection is wrong"
        self.fields["statement"].help_text = ("What the reviewer missed: where on the listing the infringement "
                                              "shows, and what your evidence proves.")
        self.upload_help = "Test-buy photos, the registration extract, comparison images."
        self._setup_upload()


class ResponseForm(AppealForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statement"].label = "Your response to the appeal"
        self.fields["statement"].help_text = "The senior reviewer reads it, with your files, before ruling."
        self.upload_help = "Anything that answers the appeal."
        self._setup_upload()
