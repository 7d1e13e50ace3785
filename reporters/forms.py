from django import forms

from evidence.forms import EvidenceFormMixin, EvidenceUploadField


class InfoAnswerForm(EvidenceFormMixin, forms.Form):
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000, label="Your answer",
                             error_messages={"required": "Write your answer before sending it."})
    evidence_upload = EvidenceUploadField(required=False, label="Files with your answer")
    upload_help = "Test-buy photos, invoices, the registration extract: whatever answers the question."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_upload()
