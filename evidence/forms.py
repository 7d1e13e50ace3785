"""The evidence file picker every form with uploads uses, and the view helper that stores what it
picked before the rest of the form is validated (so a file is never asked for twice)."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest

from common.ratelimit import uploads_refusal, uploads_wait

from .content import ACCEPTED
from .models import EvidenceFile
from .selectors import evidence_unattached
from .services import evidence_accept, evidence_delete


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


@dataclass
class Carried:
    """What a form with uploads carries after one POST: its files (kept from earlier tries plus
    those just stored), the problems to show, and the file the user asked to remove, if any."""

    files: list[EvidenceFile]
    problems: list[str]
    removed: EvidenceFile | None


def uploads_carry(request: HttpRequest, *, carriable: QuerySet[EvidenceFile] | None = None,
                  uploader=None) -> Carried:
    """The one way a form keeps files across errors: the ids posted as `evidence` that `carriable`
    allows (by default the user's own uploads no record took yet: their bounded draft, counted by
    the unattached quota and purged after a day), minus a "remove_evidence", plus the files just
    picked in `evidence_upload`, stored and checked by content.

    An id the user may not carry (another user's file, one filed or purged) is dropped with a
    problem, never attached: a draft is its uploader's alone. Over RATE_LIMITS["uploads"] the files
    just picked are not taken, with the problem saying when they can be (the view answers 429:
    common.ratelimit.uploads_limited); those carried from earlier tries stay. `uploader` stores the
    files for another account than the signed-in one (an open notice's stand-in reporter)."""
    uploader = uploader or request.user
    if carriable is None:
        carriable = evidence_unattached().filter(uploaded_by=uploader)
    ids = {int(v) for v in request.POST.getlist("evidence") if v.isdigit() and len(v) <= 18}
    carried = list(carriable.filter(pk__in=ids).order_by("id"))
    problems = []
    if len(carried) < len(ids):
        problems.append("A file uploaded earlier is no longer available; upload it again.")
    remove = request.POST.get("remove_evidence", "")
    removed = next((f for f in carried if str(f.pk) == remove), None)
    carried = [f for f in carried if f is not removed]
    picked = request.FILES.getlist("evidence_upload")
    wait = uploads_wait(request)
    if wait is not None:
        return Carried(files=carried, problems=[*problems, uploads_refusal(wait)] if picked else problems,
                       removed=removed)
    accepted = evidence_accept(uploaded_by=uploader, uploads=picked,
                               used_bytes=sum(f.size for f in carried), used_files=len(carried), attached=carried)
    for duplicate in accepted.duplicates:
        messages.info(request, duplicate)
    return Carried(files=carried + accepted.stored, problems=problems + accepted.refusals, removed=removed)


def take_uploads(request: HttpRequest, form, *, uploader=None) -> list:
    """Carry the form's files (uploads_carry) for a form whose view files them on success.

    Each problem is an error on the form's `evidence_upload` field; a "remove" is not a filing:
    the removed upload is deleted (it frees the user's quota) and the form is shown again, as
    typed. Either way the form is invalid, so nothing is filed and nothing typed is lost.

    Returns the files the form now carries."""
    carried = uploads_carry(request, uploader=uploader)
    for problem in carried.problems:
        form.add_error("evidence_upload", problem)
    if carried.removed is not None:
        evidence_delete(files=[carried.removed], actor=uploader or request.user)
        form.add_error(None, f"Removed “{carried.removed.original_name}”. Nothing was filed yet: check the "
                             "form and send it again.")
    return carried.files
