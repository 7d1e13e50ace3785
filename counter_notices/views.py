"""The files filed with counter-notices and court actions. The seller files a counter-notice from
Seller Center (sellers), the rights holder shows a court action from its case page (reporters)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from evidence.responses import evidence_response

from .selectors import counter_notice_evidence_get


@login_required
@require_GET
def counter_notice_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    return evidence_response(counter_notice_evidence_get(user=request.user, pk=pk))
