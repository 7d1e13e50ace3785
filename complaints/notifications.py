"""Emails to reporters."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Report


def report_confirmation_send(*, report_id: int) -> bool:
    """Email the report's contact its reference, what was filed and what happens next."""
    report = Report.objects.select_related("brand", "right").filter(pk=report_id).first()
    if report is None:
        return False
    context = {
        "report": report, "cases": report.cases.count(), "linked": report.case_links.count(),
        "url": settings.SITE_URL.rstrip("/") + reverse("complaints:report_detail", args=[report.pk]),
    }
    send_mail(
        subject=f"Report {report.reference} received: {report.get_kind_display()} · {report.brand}",
        message=render_to_string("complaints/email/report_confirmation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[report.contact_email],
    )
    return True
