"""Forms of the reviewers' desk: deciding, asking the reporter, notes, the queue's filters,
reassigning, ruling on a reporter sanction."""

from django import forms

from accounts.models import Role, User
from complaints.models import CaseSource, CaseState, Outcome, Priority
from complaints.reasons import reason_choices
from registry.models import RightKind
from review.queue import AGE_BUCKETS, ALL_UNDECIDED, QUEUE_PAGE_SIZES, QUEUE_SORTS, QUEUE_STATES, QueueFilters


class DecideForm(forms.Form):
    reason_code = forms.ChoiceField(choices=reason_choices(Outcome.REMOVE, Outcome.SUPPRESS, Outcome.REJECT),
                                    label="Reason",
                                    error_messages={"required": "Choose a reason code for the decision."})
    facts = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label="Facts",
        help_text="What you found on the listing. The seller reads this in the statement of reasons.",
        error_messages={"required": "Give the facts behind the decision; the seller reads them."},
    )
    # Not required here: left out of a POST (an older client), the service composes it; sent
    # empty from the page, the service refuses it.
    statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 9}), max_length=20_000, required=False,
        label="Statement the seller reads",
        help_text="What the seller and the reporter will read. Composed from the reason and the facts; "
                  "edit it before recording. Changing the reason or the facts composes it again.",
    )
    apply_to_report = forms.BooleanField(required=False, label="Apply to all identical cases of this report")
    # One click must not restrict many listings: applying to all asks for this second box too.
    confirm_apply = forms.BooleanField(required=False, label="I confirm the other listings are decided the same way")

    def clean(self):
        data = super().clean()
        if data.get("apply_to_report") and not data.get("confirm_apply"):
            self.add_error("confirm_apply", "Confirm applying the decision to the report's other undecided "
                                            "cases: their listings are decided the same way, each with its "
                                            "own statement of reasons.")
        return data

    def __init__(self, *args, kind: str | None = None, **kwargs):
        """`kind`: the case's right's kind; only the reasons that fit it are offered (and accepted)."""
        super().__init__(*args, **kwargs)
        if kind:
            field = self.fields["reason_code"]
            field.choices = reason_choices(Outcome.REMOVE, Outcome.SUPPRESS, Outcome.REJECT, kind=kind)
            field.error_messages["invalid_choice"] = (
                f"Choose one of the {RightKind(kind).label.lower()} reasons: this case relies on a "
                f"{RightKind(kind).label.lower()}.")


class RequestInfoForm(forms.Form):
    question = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label="Question to the reporter",
        error_messages={"required": "Write the question the reporter should answer."},
    )
    deadline = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"], label="Answer by (UTC)",
        help_text="The case waits until then (the SLA clock stops); unanswered, it comes back to the queue.",
        error_messages={"required": "Give a deadline for the answer.",
                        "invalid": "Enter the deadline as a date and time, e.g. 2026-12-01 17:00."},
    )


class NoteForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, label="Internal note",
                           help_text="Seen by reviewers only.",
                           error_messages={"required": "Write the note before saving it."})


class QueueFilterForm(forms.Form):
    """The review queue's GET parameters. Every value is checked: an unknown sort key or filter
    value is refused with a message naming the parameter, never silently ignored."""

    kind = forms.ChoiceField(choices=RightKind.choices, required=False, label="IP type")
    brand = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Brand")
    source = forms.ChoiceField(choices=CaseSource.choices, required=False, label="Source")
    lane = forms.TypedChoiceField(choices=Priority.choices, coerce=int, required=False, empty_value=None,
                                  label="Priority lane")
    age = forms.ChoiceField(choices=[(b.key, b.label) for b in AGE_BUCKETS], required=False, label="Age")
    state = forms.ChoiceField(choices=QUEUE_STATES, required=False, label="State")
    mine = forms.BooleanField(required=False, label="Assigned to me")
    sort = forms.ChoiceField(choices=list(QUEUE_SORTS.items()), required=False, label="Sort")
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False, label="Page")
    size = forms.TypedChoiceField(choices=[(n, n) for n in QUEUE_PAGE_SIZES], coerce=int, required=False,
                                  label="Rows per page")

    def __init__(self, data, *, brand_choices: list[tuple[int, str]]):
        super().__init__(data)
        self.fields["brand"].choices = brand_choices
        self.fields["sort"].error_messages["invalid_choice"] = (
            "Unknown sort “%(value)s”. Sort by one of: " + ", ".join(QUEUE_SORTS) + ".")

    def queue_filters(self) -> QueueFilters:
        d = self.cleaned_data
        return QueueFilters(
            kind=d["kind"] or None, brand=d["brand"],
            source=d["source"] or None, lane=d["lane"], age=d["age"] or None,
            state=d["state"] or (ALL_UNDECIDED if d["mine"] else CaseState.OPEN), mine=d["mine"],
            sort=d["sort"] or "priority", page=d["page"] or 1, size=d["size"] or QUEUE_PAGE_SIZES[0],
        )


class ReassignForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        queryset=User.objects.filter(role__in=[Role.REVIEWER, Role.SENIOR_REVIEWER], is_active=True)
        .order_by("username"),
        label="Reassign to", empty_label="Choose a reviewer",
        error_messages={"required": "Choose the reviewer who should take this case.",
                        "invalid_choice": "Choose one of the listed reviewers."},
    )


class SanctionDecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", "Confirm"), ("dismiss", "Dismiss")], widget=forms.RadioSelect,
                                 label="Your decision")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False,
                           label="Note", help_text="Required to dismiss. The reporter reads it.")
