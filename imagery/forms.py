from django import forms

from .models import ReferenceKind


class ReferenceForm(forms.Form):
    kind = forms.ChoiceField(choices=ReferenceKind.choices, label="What it shows")
    label = forms.CharField(max_length=200, required=False, help_text="Optional, for your team and the reviewers")
    image = forms.FileField(label="Picture", help_text="PNG, JPEG or WebP, up to 8 MB. Checked by content and "
                                                       "hashed once; listings showing it are found automatically.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].widget.attrs["accept"] = ".png,.jpg,.jpeg,.webp"


class PhotoSearchForm(forms.Form):
    photo = forms.FileField(label="Photo", help_text="PNG, JPEG or WebP. Nothing you drop here is kept.")
