from django import forms

from complaints.models import Outcome
from complaints.reasons import reason_choices
from evidence.forms import EvidenceFormMixin, EvidenceUploadField


class AppealDecideForm(forms.Form):
    reason_code = forms.ChoiceField(choices=reason_choices(Outcome.REINSTATE, Outcome.UPHOLD, appeal=True),
                                    label="Ruling")
    facts = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, label="Facts",
        help_text="What the appeal showed. The seller and the rights holder read this.",
    )


class ReporterAppealDecideForm(AppealDecideForm):
    """The ruling on a rights holder's appeal against the rejection of their report."""

    reason_code = forms.ChoiceField(choices=reason_choices(Outcome.REMOVE, Outcome.REJECT, appeal=True),
                                    label="Ruling")


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
