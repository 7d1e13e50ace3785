"""E-mail steps of the legal app (see notifications.mails)."""

from django.conf import settings

from notifications.mails import SENIOR, Mail, senior_reviewer_emails, step

from .models import OffenceNotification


@step("offence_flagged")
def offence_flagged(flag_id: int) -> list[Mail]:
    """DSA Art. 18: a reviewer's flag of a suspected offence, told to every other senior reviewer."""
    flag = OffenceNotification.objects.select_related("case__listing__seller", "flagged_by").get(pk=flag_id)
    return [Mail(SENIOR, senior_reviewer_emails(exclude=flag.flagged_by), {
        "flag": flag, "case": flag.case, "listing": flag.case.listing, "base_url": settings.SITE_URL})]
