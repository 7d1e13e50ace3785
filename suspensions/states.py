from .models import LinkedFlagStatus as F
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

# A suspended seller's linked account: a reviewer clears it (with a reason) or escalates it (a
# suspension of the linked seller proposed); lifting the originating suspension withdraws it while
# no one has looked. Every end is final: a later suspension raises a flag of its own.
LINKED_FLAG_TRANSITIONS: dict[str, frozenset[str]] = {
    F.OPEN: frozenset({F.CLEARED, F.ESCALATED, F.WITHDRAWN}),
    F.CLEARED: frozenset(),
    F.ESCALATED: frozenset(),
    F.WITHDRAWN: frozenset(),
}
