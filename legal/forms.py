from django import forms
from django.utils import timezone

from evidence.forms import MultipleFileInput

from .models import Agency, ThreatKind, Verdict


class PhotosField(forms.Field):
    """Several image files; the service checks each by content (evidence.content)."""

    widget = MultipleFileInput(attrs={"accept": ".png,.jpg,.jpeg,.webp"})

    def clean(self, value):
        return None


class TestBuyForm(forms.Form):
    __test__ = False

    listing = forms.CharField(max_length=64, label="Listing", help_text="The marketplace's listing id, e.g. L-000105")
    brand = forms.ModelChoiceField(queryset=None, required=False, label="For brand",
                                   help_text="The rights holder who bought")
    order_reference = forms.CharField(max_length=100, label="Order reference")
    purchased_on = forms.DateField(label="Purchased on", widget=forms.DateInput(attrs={"type": "date"}))
    price = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0, label="Price paid")
    currency = forms.CharField(max_length=3, initial="USD", label="Currency")
    delivered_to = forms.CharField(max_length=300, label="Delivered to",
                                   help_text="The address or pick-up point the item was delivered to")
    verdict = forms.ChoiceField(choices=Verdict.choices, label="Verdict")
    examiner = forms.CharField(max_length=200, label="Examined by", help_text="The lab or expert")
    custody_notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label="Chain of custody",
                                    help_text="Who held the item, when, and where it is now")
    item_photos = PhotosField(required=False, label="Photos of the item")
    packaging_photos = PhotosField(required=False, label="Photos of the packaging")

    def __init__(self, *args, brands=None, staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        from registry.models import Brand

        self.fields["brand"].queryset = Brand.objects.all() if staff else Brand.objects.filter(
            pk__in=[b.pk for b in brands or []])
        self.fields["brand"].required = not staff

    def clean_purchased_on(self):
        day = self.cleaned_data["purchased_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The purchase date cannot be in the future.")
        return day

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            raise forms.ValidationError("Give the currency as its three-letter code, e.g. USD or EUR.")
        return currency


class ReferralForm(forms.Form):
    agency = forms.ChoiceField(choices=Agency.choices, label="Refer to")
    agency_name = forms.CharField(max_length=200, label="Agency or firm")
    contact = forms.CharField(max_length=300, label="Contact", help_text="Who, and how to reach them")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000,
                            label="Notes")


class OffenceForm(forms.Form):
    threat = forms.ChoiceField(choices=ThreatKind.choices, label="Threat")
    suspicion = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
                                label="What you suspect, and why")
