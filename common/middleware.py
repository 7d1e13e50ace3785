"""Requests bounded before any view runs: size, NUL characters, integer ids.

- A body larger than REQUEST_MAX_BODY_BYTES (REQUEST_MAX_UPLOAD_BYTES for multipart uploads) is
  answered 413 before it is read. Django's DATA_UPLOAD_MAX_MEMORY_SIZE covers form fields and
  `request.body`, but DRF reads JSON from the stream without looking at it.
- A NUL character in the path, the query string, a url-encoded form or a JSON body (`\\u0000`)
  is answered 400: PostgreSQL cannot store or compare one and answers with an error (a 500).
  Forms' and serializers' CharFields refuse it too; this covers values read directly.
- An integer in the URL (`<int:pk>`) beyond a signed 64-bit integer is a 404: no row has it,
  and the database would raise instead of finding nothing. Elsewhere (a form's choice id) the
  OverflowError SQLite raises is answered 400.
"""

import re

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from .db import MAX_DB_INTEGER

# A JSON escape for NUL: an odd number of backslashes before u0000 (an even number is a
# backslash written as text, followed by the letters "u0000").
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def _refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _has_nul(query) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())


class RequestBoundsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self._refusal(request)
        return refused if refused is not None else self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refuse(request, 400, "Invalid Content-Length.")
        limit = (settings.REQUEST_MAX_UPLOAD_BYTES if content_type == "multipart/form-data"
                 else settings.REQUEST_MAX_BODY_BYTES)
        if length > limit:
            return _refuse(request, 413, f"The request body is larger than {limit // 2**20} MB.")
        if "\x00" in request.path or _has_nul(request.GET):
            return _refuse(request, 400, "The address contains a NUL character.")
        if length and content_type == "application/x-www-form-urlencoded" and _has_nul(request.POST):
            return _refuse(request, 400, "A field contains a NUL character.")
        # A gzip body is binary here: the view inflates it, and its items' fields are checked for
        # NUL characters there (listings.schema).
        gzipped = request.META.get("HTTP_CONTENT_ENCODING", "").strip().lower() == "gzip"
        if length and not gzipped and (content_type == "application/json" or content_type.endswith("+json")):
            body = request.body  # kept on the request: the view parses the same bytes
            if b"\x00" in body or _JSON_NUL.search(body):
                return _refuse(request, 400, "The JSON contains a NUL character (\\u0000), which is not accepted.")
        return None

    def process_view(self, request, view_func, view_args, view_kwargs):
        if any(isinstance(v, int) and not isinstance(v, bool) and abs(v) > MAX_DB_INTEGER
               for v in (*view_args, *view_kwargs.values())):
            raise Http404("No such object.")
        return None

    def process_exception(self, request, exception):
        # SQLite cannot bind an integer beyond 64 bits (PostgreSQL finds no row): a number from
        # outside that no field bounded, e.g. a choice's id in a form, is a bad request, not a 500.
        if isinstance(exception, OverflowError):
            return _refuse(request, 400, "A number in the request is out of range.")
        return None


class ErrorPagesMiddleware:
    """The portal's own 404 and 500 pages while DEBUG is on (`make run`), unless a developer keeps
    Django's debug pages with DEBUG_ERROR_PAGES=1. Off DEBUG, Django renders ours already (403 always).

    Django builds its debug page where the exception is converted, before any middleware sees it,
    so this swaps the finished response: an HTML 404 or 500 carrying the debug page's robots tag,
    which no page of ours sends. JSON answers (the API) are left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (settings.DEBUG and not settings.DEBUG_ERROR_PAGES and response.status_code in (404, 500)
                and response.get("Content-Type", "").startswith("text/html")
                and b'content="NONE,NOARCHIVE"' in getattr(response, "content", b"")):
            from django.views import defaults

            if response.status_code == 404:
                return defaults.page_not_found(request, Http404())
            return defaults.server_error(request)
        return response
