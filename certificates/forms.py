from django import forms

from .models import CERTIFIABLE_TYPES


class WorkForm(forms.Form):
    brand = forms.ModelChoiceField(queryset=None, empty_label=None, help_text="The brand that owns the work")
    title = forms.CharField(max_length=1000, help_text="Plain text; it goes into the public certificate")
    work_type = forms.ChoiceField(choices=CERTIFIABLE_TYPES, label="Kind of work")
    author = forms.CharField(max_length=200, required=False)
    first_published_on = forms.DateField(required=False, label="First published on (optional)",
                                         widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label="The work", help_text="Image: PNG, JPEG or WebP. Text: plain text (UTF-8) or "
                                                        "PDF. Checked by content; up to 20 MB.")

    def __init__(self, *args, brands, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["brand"].queryset = brands
        self.fields["file"].widget.attrs["accept"] = ".png,.jpg,.jpeg,.webp,.txt,.pdf"


class VerifyForm(forms.Form):
    file = forms.FileField(label="The file to check", help_text="Nothing you drop here is kept.")


class DisputeForm(WorkForm):
    statement = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
                                label="Why it is not a copy",
                                help_text="A reviewer compares both works side by side and reads this.")

    def __init__(self, *args, brands, **kwargs):
        super().__init__(*args, brands=brands, **kwargs)
        del self.fields["first_published_on"]


class DisputeDecideForm(forms.Form):
    outcome = forms.ChoiceField(widget=forms.RadioSelect, choices=[
        ("register", "Not a copy: register the work"), ("refuse", "A copy: the refusal stands")])
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label="Reason",
                             help_text="The applicant reads it.")
