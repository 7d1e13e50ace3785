"""Serving evidence: the caller has done the access check; this only builds a safe response."""

from django.http import FileResponse, Http404

from .models import EvidenceFile, EvidenceType
from .services import evidence_path


def evidence_response(file: EvidenceFile, *, inline: bool = False) -> FileResponse:
    """The file as a download (or, for PNG/JPEG/WebP only, inline) that no browser will run.

    Text is served as text/plain whatever it contains; nosniff stops the browser guessing
    otherwise, and the sandboxing CSP keeps anything opened directly from running script.
    """
    if inline and not file.is_image:
        raise Http404("Only images are shown inline")
    content_type = "text/plain; charset=utf-8" if file.content_type == EvidenceType.TEXT else file.content_type
    try:
        handle = open(evidence_path(file), "rb")  # noqa: SIM115 - FileResponse closes it
    except FileNotFoundError:
        raise Http404("The evidence file is missing from storage") from None
    response = FileResponse(handle, as_attachment=not inline, filename=file.download_name,
                            content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
