"""Internal notes on a case: written and read by reviewers only."""

from django.db import transaction

from accounts.permissions import require_reviewer
from audit.services import audit_append
from complaints.models import Case, CaseNote
from complaints.records import CaseError

MAX_NOTE_CHARS = 5000


def case_note_add(*, case: Case, author, text: str) -> CaseNote:
    """Add a reviewer's note to a case (any state), audited with its text."""
    require_reviewer(author, "Only reviewers write case notes.")
    text = text.strip()
    if not text:
        raise CaseError("Write the note before saving it.")
    if len(text) > MAX_NOTE_CHARS:
        raise CaseError(f"A note takes at most {MAX_NOTE_CHARS} characters ({len(text)} given).")
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, author=author, text=text)
        # Targets the note, not the case: case timelines are shown to rights holders, notes never.
        audit_append(actor=author, action="case.note_added", target=note, data={"case": case.pk, "text": text})
    return note
