from .models import SuspensionStatus as U

# Seller suspensions: proposed by the system at the strike threshold or by a reviewer from a case,
# approved or rejected by a senior reviewer; an approved suspension can be lifted. Rejected and
# lifted are final (a later strike or reviewer makes a new proposal).
SUSPENSION_TRANSITIONS: dict[str, frozenset[str]] = {
    U.PROPOSED: frozenset({U.APPROVED, U.REJECTED}),
    U.APPROVED: frozenset({U.LIFTED}),
    U.REJECTED: frozenset(),
    U.LIFTED: frozenset(),
}
