from django import forms


class PortalForm(forms.Form):
    """Our forms: labels without Django's trailing colon (the templates lay labels above fields)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
