"""E-mail steps of seller suspensions (see notifications.mails)."""

from django.conf import settings

from notifications.mails import SELLER, Mail, seller_emails, step

from .models import Suspension
from .selectors import strikes_with_coverage


@step("seller_suspended", "suspension_lifted", "suspension_appeal_decided")
def suspension_step(suspension_id: int) -> list[Mail]:
    suspension = Suspension.objects.select_related("seller").get(pk=suspension_id)
    return [Mail(SELLER, seller_emails(suspension.seller), {
        "proposal": suspension, "seller": suspension.seller, "base_url": settings.SITE_URL,
        "strikes": strikes_with_coverage(suspension.strikes.all(), order=("created_at", "id")),
    })]
