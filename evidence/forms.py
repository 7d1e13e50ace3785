"""The evidence file picker every form with uploads uses, and the view helper that stores what it
picked before the rest of the form is validated (so a file is never asked for twice)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest

from .content import ACCEPTED
from .selectors import evidence_unattached
from .services import evidence_accept


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceUploadField(forms.Field):
    """The file picker. The view stores what it picks before validating the rest of the form
    (evidence_accept), so a file is never asked for twice; the form carries the stored ids."""

    widget = MultipleFileInput

    def clean(self, value):
        return None


_UPLOAD_HELP = (f"{ACCEPTED}; up to {{file_mb}} MB each, {{total_mb}} MB and {{files}} files in all. "
                "Files are checked by their content.")


class EvidenceFormMixin:
    """A file picker plus the ids of files stored on an earlier try (so an error never asks for them
    again); the view stores picked files before validating (take_uploads)."""

    upload_help = ""

    def _setup_upload(self):
        field = self.fields["evidence_upload"]
        field.help_text = self.upload_help + " " + _UPLOAD_HELP.format(
            file_mb=settings.EVIDENCE_MAX_FILE_BYTES // 2**20, total_mb=settings.EVIDENCE_MAX_OWNER_BYTES // 2**20,
            files=settings.EVIDENCE_MAX_OWNER_FILES)
        field.widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg,.webp,.txt,.csv"


def take_uploads(request: HttpRequest, form) -> list:
    """Store the files just picked (checked by content) and add those stored on an earlier try.
    Each refused file is an error on the form's `evidence_upload` field, so the form is invalid
    and shows why while keeping what was accepted.

    Returns the files the form now carries."""
    ids = {int(v) for v in request.POST.getlist("evidence") if v.isdigit()}
    carried = list(evidence_unattached().filter(uploaded_by=request.user, pk__in=ids).order_by("id"))
    accepted = evidence_accept(uploaded_by=request.user, uploads=request.FILES.getlist("evidence_upload"),
                               used_bytes=sum(f.size for f in carried), used_files=len(carried), attached=carried)
    for duplicate in accepted.duplicates:
        messages.info(request, duplicate)
    for refusal in accepted.refusals:
        form.add_error("evidence_upload", refusal)
    return carried + accepted.stored
