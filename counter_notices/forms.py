from django import forms

from evidence.forms import EvidenceFormMixin, EvidenceUploadField

from .models import CounterNoticeGround


class CounterNoticeForm(EvidenceFormMixin, forms.Form):
    """The statutory statements. Each is checked by the service, which names every one missing;
    the form leaves them optional so all the missing ones are named at once, in the law's words."""

    # The marketplace's own counter-notice (trademark, design, patent) asks these instead of the
    # statutory consents; the page shows the fields of the case's procedure.
    ground = forms.ChoiceField(choices=CounterNoticeGround.choices, widget=forms.RadioSelect, required=False,
                               label="Why the removal was wrong")
    explanation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=5000, label="Your explanation",
        help_text="The facts the rights holder and the reviewer can check: your authorization, the supplier and "
                  "invoice numbers, or how the product differs from the right.")
    material = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000,
                               label="The material that was removed",
                               help_text="For example: the listing's title, photos and description.")
    location = forms.CharField(required=False, max_length=500, label="Where it appeared before removal",
                               help_text="The listing's address on the marketplace.")
    perjury_statement = forms.BooleanField(
        required=False, label="I swear, under penalty of perjury, that I have a good faith belief that the "
                              "material was removed or disabled as a result of mistake or misidentification.")
    full_name = forms.CharField(required=False, max_length=200, label="Full name")
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=1000,
                              label="Postal address")
    phone = forms.CharField(required=False, max_length=40, label="Telephone number")
    email = forms.EmailField(required=False, label="Email (optional)")
    consent_jurisdiction = forms.BooleanField(
        required=False, label="I consent to the jurisdiction of the court for the judicial district of my "
                              "address (or, outside the United States, any judicial district in which the "
                              "marketplace may be found).")
    consent_service = forms.BooleanField(
        required=False, label="I will accept service of process from the person who provided the notice, "
                              "or an agent of that person.")
    signature = forms.CharField(required=False, max_length=200, label="Signature",
                                help_text="Type your full legal name.")
    evidence_upload = EvidenceUploadField(required=False, label="Supporting files (optional)")
    upload_help = "Licences, authorization letters or invoices."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_upload()


class CounterNoticeAnswerForm(EvidenceFormMixin, forms.Form):
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=5000, required=False,
                             label="Your answer",
                             help_text="Why the removal should stand, against the seller's ground.")
    evidence_upload = EvidenceUploadField(required=False, label="Your evidence")
    upload_help = "Test purchases, expert reports, the authorized-reseller list, a comparison with the right."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_upload()


class CounterNoticeDecideForm(forms.Form):
    outcome = forms.ChoiceField(widget=forms.RadioSelect, label="Your decision", choices=[
        ("reinstate", "Grant: reinstate the listing"), ("reject", "Deny: the listing stays down")])
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, label="Reasons",
                             help_text="The seller and the rights holder read them.")


class FilingReviewForm(forms.Form):
    outcome = forms.ChoiceField(widget=forms.RadioSelect, label="The court filing", choices=[
        ("confirm", "Confirm: a court action against this seller over this material; the listing stays down"),
        ("reject", "Reject: not such a filing; the counter-notice's deadline continues")])
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False,
                           label="Note", help_text="Required when rejecting: the rights holder reads it.")


class CourtActionForm(EvidenceFormMixin, forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False,
                           label="Court and case number",
                           help_text="For example: U.S. District Court, N.D. Cal., No. 3:26-cv-01234.")
    evidence_upload = EvidenceUploadField(required=False, label="The court filing")
    upload_help = "The complaint as filed, showing the court's stamp or case number."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_upload()
