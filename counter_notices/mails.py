"""E-mail steps of counter-notices (see notifications.mails): a senior's ruling on a trademark,
design or patent counter-notice, and a reviewer's check of a copyright court filing, each told to
the seller and the rights holder with the reasons and what follows."""

from audit.models import AuditEntry
from notifications.mails import Mail, case_mails, step

from .models import CounterNotice

_RELATED = ("case__report__brand", "case__brand", "case__right", "case__listing__seller", "reinstatement")


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
