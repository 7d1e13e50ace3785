from django import forms


class InfoAnswerForm(forms.Form):
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000, label="Your answer",
                             error_messages={"required": "Write your answer before sending it."})
