"""The report page's flags for cases awaiting the rights holder (a counter-notice to answer, an
appeal to respond to)."""

from django import template

from appeals.models import Appeal, AppealStatus
from common import dates
from complaints.models import Party
from counter_notices.models import CounterNotice, CounterNoticeStatus

register = template.Library()


@register.simple_tag
def due_process_flags(cases) -> dict[int, str]:
    ids = [c.pk for c in cases]
    flags = {}
    for a in Appeal.objects.filter(case_id__in=ids, status=AppealStatus.OPEN, party=Party.SELLER):
        flags[a.case_id] = "The seller appealed: you may respond"
    for n in CounterNotice.objects.filter(case_id__in=ids, status=CounterNoticeStatus.WAITING):
        flags[n.case_id] = (f"Counter-notice: show a court action by {dates.deadline(n.court_action_due)}" if n.is_dmca
                            else f"Counter-notice: answer by {dates.deadline(n.court_action_due)}")
    return flags


@register.filter
def lookup(mapping: dict, key):
    return mapping.get(key, "")
