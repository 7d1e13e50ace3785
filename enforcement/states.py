from .models import ActionStatus as A
from .models import AppealStatus as P

# Enforcement actions: a worker applies a pending action under its row lock; a final failure is
# recorded and a person can send it back to pending.
ACTION_TRANSITIONS: dict[str, frozenset[str]] = {
    A.PENDING: frozenset({A.APPLIED, A.FAILED}),
    A.FAILED: frozenset({A.PENDING}),
    A.APPLIED: frozenset(),
}

APPEAL_TRANSITIONS: dict[str, frozenset[str]] = {
    P.OPEN: frozenset({P.GRANTED, P.DENIED}),
    P.GRANTED: frozenset(),
    P.DENIED: frozenset(),
}
