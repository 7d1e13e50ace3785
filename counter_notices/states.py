from .models import CounterNoticeStatus as C

# Copyright (DMCA): the rights holder uploads a court filing (a reviewer checks it: confirmed, the
# listing stays down; rejected, back to waiting and the deadline continues) or the reinstatement day
# comes (the beat task reinstates). Reviewed (trademark, design, patent): the rights holder answers
# or its deadline passes, then a senior reinstates or rejects. Withdrawal of the notice ends the
# case, not this row.
COUNTER_NOTICE_TRANSITIONS: dict[str, frozenset[str]] = {
    C.WAITING: frozenset({C.FILING_REVIEW, C.REINSTATED, C.FOR_DECISION}),
    C.FILING_REVIEW: frozenset({C.COURT_ACTION, C.WAITING}),
    C.FOR_DECISION: frozenset({C.REINSTATED, C.REJECTED}),
    C.COURT_ACTION: frozenset(),
    C.REINSTATED: frozenset(),
    C.REJECTED: frozenset(),
}
