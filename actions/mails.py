"""E-mail steps of enforcement actions (see notifications.mails)."""

from notifications.mails import Mail, case_mails, step

from .models import ActionKind, EnforcementAction


@step("action_applied")
def action_applied(action_id: int) -> list[Mail]:
    action = EnforcementAction.objects.select_related("case__report__brand", "case__brand", "listing__seller",
                                                      "decision").get(pk=action_id)
    if action.case is None or action.kind not in (ActionKind.REMOVE, ActionKind.REINSTATE):
        return []
    kind = "enforced" if action.kind == ActionKind.REMOVE else "reinstated"
    return [Mail(m.audience, m.recipients, {**m.context, "step": kind, "action": action,
                                            "decision": action.decision})
            for m in case_mails(action.case)]
