"""The follow link of a report filed through the open notice form, for the reporter's e-mails:
people without an account follow their notice there instead of on the report page."""

from django import template
from django.conf import settings

from complaints.models import OpenNotice
from complaints.open_notices import open_notice_follow_path

register = template.Library()


@register.filter
def open_notice_link(report) -> str:
    if report is None or not getattr(report, "pk", None):
        return ""
    notice = OpenNotice.objects.filter(report_id=report.pk).first()
    return settings.SITE_URL + open_notice_follow_path(notice) if notice else ""
