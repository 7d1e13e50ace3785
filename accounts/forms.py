from django import forms
from django.contrib.auth import password_validation

from common.ratelimit import form_started_stamp


class BotTrapForm(forms.Form):
    """A hidden field people leave empty, and when the form was shown (common.ratelimit)."""

    website = forms.CharField(required=False, max_length=200, label="Leave this empty",
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))
    started = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = form_started_stamp()


class PasswordPairForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=150)
    password1 = forms.CharField(label="Password", max_length=128,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text="At least 8 characters, not only digits, not a common password.")
    password2 = forms.CharField(label="Password again", max_length=128,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def email_for_validation(self) -> str:
        return ""

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ. Type the same password twice.")
        elif p1:
            from accounts.models import User

            probe = User(username=self.email_for_validation(), email=self.email_for_validation(),
                         first_name=data.get("name", ""))
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class SignupForm(BotTrapForm, PasswordPairForm):
    email = forms.EmailField(label="Work e-mail address", max_length=150,
                             help_text="We send a link to confirm it. It is also your username to log in.")
    terms = forms.BooleanField(label="I report only rights I own or am authorized to enforce, and I know "
                                     "false notices lead to warnings and suspension.")

    field_order = ["name", "email", "password1", "password2", "terms", "website", "started"]

    def email_for_validation(self) -> str:
        return self.data.get("email", "")


class AccessResetForm(forms.Form):
    two_factor = forms.BooleanField(required=False, label="Remove their two-step sign-in (they enrol again)")
    lockout = forms.BooleanField(required=False, label="Lift the lockout after wrong passwords")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=1000, label="Reason",
                             help_text="How you confirmed who asked; kept in the audit log and sent to them.")
