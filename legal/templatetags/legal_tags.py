"""The legal panel on the pages of lower apps (the reviewer's and the rights holder's case pages),
which link here by URL name and never import this app: test buys on the case, and what the person
may do (build a package, record a test buy, request or make a referral, flag an Art. 18 offence)."""

from django import template

from accounts.permissions import is_reviewer, is_senior

from ..forms import OffenceForm
from ..models import OffenceNotification, OffenceState
from ..selectors import brand_admin_of, test_buys_for_case

register = template.Library()


@register.inclusion_tag("legal/_case_panel.html", takes_context=True)
def legal_case_panel(context, case) -> dict:
    user = context["request"].user
    staff = is_reviewer(user)
    admin = not staff and brand_admin_of(user=user, brand=case.brand)
    return {"case": case, "staff": staff, "flag_form": OffenceForm() if staff else None, "brand_admin": admin,
            "csrf_token": context.get("csrf_token"),
            "test_buys": list(test_buys_for_case(user=user, case=case)) if staff or admin else []}


@register.inclusion_tag("legal/_offence_alert.html", takes_context=True)
def offence_alert(context) -> dict:
    """On every page of a senior: the Art. 18 flags no senior has acted on yet (one COUNT)."""
    user = context["request"].user
    if not is_senior(user):
        return {"open": 0}
    return {"open": OffenceNotification.objects.filter(state=OffenceState.FLAGGED).count()}


@register.inclusion_tag("legal/_report_package.html", takes_context=True)
def legal_report_package(context, report) -> dict:
    """On a report's page: its evidence package, for staff and the brand's admins."""
    user = context["request"].user
    return {"report": report, "csrf_token": context.get("csrf_token"),
            "allowed": is_reviewer(user) or brand_admin_of(user=user, brand=report.brand)}
