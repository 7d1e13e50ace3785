from .models import DisputeState as S

# A dispute is decided once, by a reviewer.
DISPUTE_TRANSITIONS: dict[str, frozenset[str]] = {
    S.OPEN: frozenset({S.REGISTERED, S.REFUSED}),
    S.REGISTERED: frozenset(),
    S.REFUSED: frozenset(),
}
