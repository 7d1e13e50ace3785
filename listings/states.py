from .models import ListingStatus as S

# Moves of a listing's status on the marketplace. The status follows its active restrictions
# (models.status_for), so any move can happen: a removal lifted while a suppression stands takes
# a removed listing to suppressed.
LISTING_TRANSITIONS: dict[str, frozenset[str]] = {
    S.ACTIVE: frozenset({S.SUPPRESSED, S.REMOVED}),
    S.SUPPRESSED: frozenset({S.ACTIVE, S.REMOVED}),
    S.REMOVED: frozenset({S.ACTIVE, S.SUPPRESSED}),
}
