"""E-mail steps of reports (see notifications.mails)."""

from django.conf import settings

from notifications.mails import REPORTER, Mail, reporter_emails, step

from .models import Report


@step("report_received")
def report_received(report_id: int) -> list[Mail]:
    report = Report.objects.select_related("brand", "reporter").get(pk=report_id)
    cases = list(report.cases.select_related("listing").order_by("id"))
    return [Mail(REPORTER, reporter_emails(report), {"report": report, "cases": cases,
                                                     "base_url": settings.SITE_URL})]
