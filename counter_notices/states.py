from .models import CounterNoticeStatus as C

# Counter-notices: the rights holder shows a court action (stays down) or the reinstatement day
# comes (the beat task reinstates). Withdrawal of the notice (issue 4) ends the case, not this row.
COUNTER_NOTICE_TRANSITIONS: dict[str, frozenset[str]] = {
    C.WAITING: frozenset({C.COURT_ACTION, C.REINSTATED}),
    C.COURT_ACTION: frozenset(),
    C.REINSTATED: frozenset(),
}
