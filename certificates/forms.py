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
