"""The reviewers' enforcement pages: what failed or is stuck (with retry), bulk jobs' progress,
and the audit log's linking backlog."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from audit.selectors import audit_link_backlog
from audit.transitions import IllegalTransition
from complaints.reasons import REASONS

from .selectors import (
    action_get_for_reviewer,
    actions_needing_attention,
    bulk_job_get,
    bulk_job_skipped_cases,
    bulk_jobs_recent,
)
from .services import action_retry


@login_required
@require_GET
def enforcement_ops(request: HttpRequest) -> HttpResponse:
    actions = actions_needing_attention(user=request.user)[:200]  # checks the reviewer role first
    waiting, oldest = audit_link_backlog()
    return render(request, "actions/ops.html", {
        "actions": actions,
        "jobs": bulk_jobs_recent(user=request.user)[:20],
        "audit_waiting": waiting, "audit_oldest": oldest,
        # Beat links every AUDIT_LINK_SECONDS: entries older than a minute mean beat is not running.
        "audit_stalled": oldest is not None and timezone.now() - oldest > timedelta(minutes=1),
    })


@login_required
@require_POST
def action_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    action = action_get_for_reviewer(user=request.user, pk=pk)
    try:
        action_retry(action=action, actor=request.user)
    except IllegalTransition:
        messages.error(request, f"Action #{action.pk} is {action.get_status_display().lower()}; only a failed "
                                "action can be retried.")
    else:
        messages.success(request, f"Action #{action.pk} sent back to the queue.")
    return redirect("actions:ops")


@login_required
@require_GET
def bulk_job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = bulk_job_get(user=request.user, pk=pk)
    # The page polls this same view with HTMX for the progress block only; a reload shows it too.
    template = "actions/_bulk_progress.html" if request.headers.get("HX-Request") else "actions/bulk_job.html"
    return render(request, template, {"job": job, "skipped": bulk_job_skipped_cases(job=job),
                                      "reason": REASONS.get(job.reason_code) if job.reason_code else None})
