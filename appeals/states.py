from .models import AppealStatus as P

APPEAL_TRANSITIONS: dict[str, frozenset[str]] = {
    P.OPEN: frozenset({P.GRANTED, P.DENIED}),
    P.GRANTED: frozenset(),
    P.DENIED: frozenset(),
}
