from .models import CaseState as S

# Allowed moves of a case. Anything not listed raises IllegalTransition.
CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    S.OPEN: frozenset({S.IN_REVIEW, S.WITHDRAWN}),
    S.IN_REVIEW: frozenset({S.OPEN, S.NEEDS_INFO, S.ACTIONED, S.REJECTED, S.WITHDRAWN}),
    S.NEEDS_INFO: frozenset({S.OPEN, S.WITHDRAWN}),
    S.ACTIONED: frozenset({S.APPEALED, S.WITHDRAWN}),
    S.APPEALED: frozenset({S.UPHELD, S.REINSTATED}),
    S.REJECTED: frozenset(),
    S.UPHELD: frozenset(),
    S.REINSTATED: frozenset(),
    S.WITHDRAWN: frozenset(),
}
