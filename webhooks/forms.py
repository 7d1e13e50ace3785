from django import forms

from .models import WebhookEventType


class EndpointForm(forms.Form):
    url = forms.URLField(label="Receiver URL", max_length=500, assume_scheme="https",
                         help_text="We POST signed JSON here. Use https://.")
    description = forms.CharField(max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        label="Events", choices=WebhookEventType.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event type."},
    )
