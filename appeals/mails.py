"""E-mail steps of appeals (see notifications.mails)."""

from notifications.mails import Mail, case_mails, step

from .models import Appeal


@step("appeal_filed", "appeal_decided")
def appeal_step(appeal_id: int) -> list[Mail]:
    appeal = Appeal.objects.select_related("case__report__brand", "case__brand", "case__listing__seller", "decision",
                                           "outcome_decision").get(pk=appeal_id)
    return case_mails(appeal.case, appeal=appeal, decision=appeal.outcome_decision or appeal.decision)
