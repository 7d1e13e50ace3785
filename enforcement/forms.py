from django import forms

from ipportal.forms import PortalForm


class AppealForm(PortalForm):
    statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), max_length=10_000, label="Why the decision is wrong",
        help_text="For example: the goods are genuine (say where you bought them), or you are authorized "
                  "by the brand. A senior reviewer who did not make the decision reads this.",
    )


class SuspensionDecideForm(PortalForm):
    decision = forms.ChoiceField(choices=[("approve", "Approve: suspend the seller"), ("reject", "Reject")],
                                 widget=forms.RadioSelect)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=4000,
                             help_text="The seller reads this.")


class SuspensionLiftForm(PortalForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
                             help_text="Why the suspension ends; the seller reads this.")
