"""Errors under /api/ answer JSON: Django's own 404 (a path no URL matches, such as a negative id)
and 500 pages are HTML, which an API client cannot read and the schema does not promise."""

from django.http import JsonResponse

MESSAGES = {404: "Not found.", 405: "Method not allowed.", 500: "Server error; it has been logged.",
            400: "Bad request.", 403: "Forbidden.", 413: "Request body too large."}


class ApiErrorsAsJsonMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (request.path.startswith("/api/") and response.status_code in MESSAGES
                and not response.get("Content-Type", "").startswith("application/json")):
            json = JsonResponse({"detail": MESSAGES[response.status_code]}, status=response.status_code)
            for header in ("Retry-After", "Allow"):
                if header in response:
                    json[header] = response[header]
            return json
        return response
