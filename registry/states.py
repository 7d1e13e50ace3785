from .models import RightStatus as S

# Allowed moves of an IP right's verification status.
RIGHT_TRANSITIONS: dict[str, frozenset[str]] = {
    # A pending right whose term ends before it is verified expires too: it can no longer be verified.
    S.PENDING: frozenset({S.VERIFIED, S.REJECTED, S.EXPIRED}),
    S.VERIFIED: frozenset({S.EXPIRED}),
    S.REJECTED: frozenset({S.PENDING}),  # the holder corrects the right and submits it again
    S.EXPIRED: frozenset(),
}
