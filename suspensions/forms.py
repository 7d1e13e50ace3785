from django import forms

from evidence.forms import EvidenceFormMixin, EvidenceUploadField

from .services import PROPOSAL_REASON_MIN_CHARS


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


class SuspensionAppealForm(EvidenceFormMixin, forms.Form):
    statement = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False,
                                label="Why the suspension is wrong",
                                help_text="The facts a senior reviewer can check: reversed takedowns, invoices, "
                                          "authorizations.")
    evidence_upload = EvidenceUploadField(required=False, label="Evidence files")
    upload_help = "Invoices from your suppliers, authorizations or licences from brands, reversed decisions."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_upload()


class SuspensionAppealDecideForm(forms.Form):
    outcome = forms.ChoiceField(widget=forms.RadioSelect, label="Ruling", choices=[
        ("grant", "Grant: lift the suspension"), ("deny", "Deny: the suspension stays")])
    appeal_reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, label="Reasons",
                                    help_text="The seller reads them.")


class LinkedFlagDecideForm(forms.Form):
    decision = forms.ChoiceField(widget=forms.RadioSelect, label="Decision", error_messages={
        "required": "Choose a decision: clear or escalate."}, choices=[
        ("clear", "Clear: nothing to act on"),
        ("escalate", "Escalate: propose suspending this seller (a senior reviewer decides)")])
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, label="Reason",
                             error_messages={"required": "Give a reason: what you checked on this seller."},
                             help_text=f"What you checked. At least {PROPOSAL_REASON_MIN_CHARS} characters to "
                                       "escalate: the senior reviewer decides on it; the seller never reads it.")
