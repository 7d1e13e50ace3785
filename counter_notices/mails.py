"""E-mail steps of counter-notices (see notifications.mails): a counter-notice filed, told to the
rights holder with what to do and by when; a senior's ruling on a trademark, design or patent
counter-notice, and a reviewer's check of a copyright court filing, each told to the seller and the
rights holder with the reasons and what follows."""

from django.conf import settings

from audit.models import AuditEntry
from notifications.mails import REPORTER, Mail, brand_admin_emails, case_mails, step

from .models import CounterNotice

_RELATED = ("case__report__brand", "case__brand", "case__right", "case__listing__seller", "reinstatement")


@step("counter_notice_filed")
def counter_notice_filed(notice_id: int) -> list[Mail]:
    """A courtesy copy of what the case page shows, to the report's contact (to the brand's admins
    for a case automatic detection opened: there is no report)."""
    notice = CounterNotice.objects.select_related(*_RELATED).get(pk=notice_id)
    case = notice.case
    recipients = [case.report.contact_email] if case.report_id else brand_admin_emails(case.brand)
    context = {"case": case, "report": case.report, "listing": case.listing, "notice": notice,
               "base_url": settings.SITE_URL.rstrip("/")}
    return [Mail(REPORTER, [e for e in recipients if e], context)]


@step("counter_notice_decided")
def counter_notice_decided(notice_id: int) -> list[Mail]:
    notice = CounterNotice.objects.select_related(*_RELATED).get(pk=notice_id)
    return case_mails(notice.case, notice=notice, granted=notice.reinstatement_id is not None,
                      reasons=notice.review_note)


@step("court_filing_reviewed")
def court_filing_reviewed(entry_id: int) -> list[Mail]:
    """Keyed by the check's audit entry, which keeps what this check said (a later check may follow)."""
    entry = AuditEntry.objects.get(pk=entry_id)
    notice = CounterNotice.objects.select_related(*_RELATED).get(pk=entry.target_id)
    return case_mails(notice.case, notice=notice, confirmed=bool(entry.data.get("confirmed")),
                      reasons=entry.data.get("note", ""))
