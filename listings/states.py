from .models import ListingStatus as S

# Allowed moves of a listing's status on the marketplace.
LISTING_TRANSITIONS: dict[str, frozenset[str]] = {
    S.ACTIVE: frozenset({S.SUPPRESSED, S.REMOVED}),
    S.SUPPRESSED: frozenset({S.ACTIVE, S.REMOVED}),
    S.REMOVED: frozenset({S.ACTIVE}),
}
