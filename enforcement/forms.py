from django import forms
from django.conf import settings

from complaints.forms import EvidenceUploadField
from evidence.content import ACCEPTED

from .strikes import PROPOSAL_REASON_MIN_CHARS

_UPLOAD_HELP = (f"{ACCEPTED}; up to {{file_mb}} MB each, {{total_mb}} MB and {{files}} files in all. "
                "Files are checked by their content.")


class EvidenceFormMixin:
    """A file picker plus the ids of files stored on an earlier try (so an error never asks for them
    again); the view stores picked files before validating (enforcement.views_due_process)."""

    upload_help = ""

    def _setup_upload(self):
        field = self.fields["evidence_upload"]
        field.help_text = self.upload_help + " " + _UPLOAD_HELP.format(
            file_mb=settings.EVIDENCE_MAX_FILE_BYTES // 2**20, total_mb=settings.EVIDENCE_MAX_OWNER_BYTES // 2**20,
            files=settings.EVIDENCE_MAX_OWNER_FILES)
        field.widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg,.webp,.txt,.csv"


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


class CounterNoticeForm(EvidenceFormMixin, forms.Form):
    """The statutory statements. Each is checked by the service, which names every one missing;
    the form leaves them optional so all the missing ones are named at once, in the law's words."""

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


class CourtActionForm(EvidenceFormMixin, forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False,
                           label="Court and case number",
                           help_text="For example: U.S. District Court, N.D. Cal., No. 3:26-cv-01234.")
    evidence_upload = EvidenceUploadField(required=False, label="The court filing")
    upload_help = "The complaint as filed, showing the court's stamp or case number."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_upload()



class SuspensionDecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve: suspend the seller"), ("reject", "Reject")],
                                 widget=forms.RadioSelect)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=4000,
                             help_text="The seller reads this.")


class SuspensionLiftForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
                             help_text="Why the suspension ends; the seller reads this.")


class SuspensionProposeForm(forms.Form):
    # Named apart from the case page's other fields (its id is unique on the page).
    suspension_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, label="Why suspend this seller",
        help_text=f"What you saw across the seller's listings, in at least {PROPOSAL_REASON_MIN_CHARS} characters. "
                  "The senior reviewer who decides reads this; the seller does not.",
    )
