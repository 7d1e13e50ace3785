from .models import RightStatus as S

# Allowed moves of an IP right's verification status.
RIGHT_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.VERIFIED, S.REJECTED}),
    S.VERIFIED: frozenset({S.EXPIRED}),
    S.REJECTED: frozenset({S.PENDING}),
    S.EXPIRED: frozenset(),
}
