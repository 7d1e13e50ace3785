from .models import CaseState as S

# Allowed moves of a case. Anything not listed raises IllegalTransition.
# open/needs_info → rejected: a suspended reporter's pending cases closed in bulk (complaints/sanctions.py).
# actioned → reinstated: a counter-notice not answered by a court action in time.
# rejected → appealed → actioned: the reporter appealed the rejection and the senior granted it.
CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    S.OPEN: frozenset({S.IN_REVIEW, S.WITHDRAWN, S.REJECTED}),
    S.IN_REVIEW: frozenset({S.OPEN, S.NEEDS_INFO, S.ACTIONED, S.REJECTED, S.WITHDRAWN}),
    S.NEEDS_INFO: frozenset({S.OPEN, S.WITHDRAWN, S.REJECTED}),
    S.ACTIONED: frozenset({S.APPEALED, S.WITHDRAWN, S.REINSTATED}),
    S.APPEALED: frozenset({S.UPHELD, S.REINSTATED, S.ACTIONED}),
    S.REJECTED: frozenset({S.APPEALED}),
    S.UPHELD: frozenset(),
    S.REINSTATED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# Reporter sanctions: the system proposes, a senior confirms or dismisses; a confirmed one may be lifted.
from .models import SanctionStatus as N  # noqa: E402

SANCTION_TRANSITIONS: dict[str, frozenset[str]] = {
    N.PROPOSED: frozenset({N.CONFIRMED, N.DISMISSED}),
    N.CONFIRMED: frozenset({N.LIFTED}),
    N.DISMISSED: frozenset(),
    N.LIFTED: frozenset(),
}
