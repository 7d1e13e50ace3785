from .models import HoldStatus as H
from .models import RightStatus as S

# Allowed moves of an IP right's verification status.
RIGHT_TRANSITIONS: dict[str, frozenset[str]] = {
    # A pending right whose term ends before it is verified expires too: it can no longer be verified.
    S.PENDING: frozenset({S.VERIFIED, S.REJECTED, S.EXPIRED}),
    # Renewal (registry.renewals.right_renew): a verified right near its expiry, or an expired one,
    # goes back to pending with its new expiry date until a reviewer checks the renewal document.
    S.VERIFIED: frozenset({S.EXPIRED, S.PENDING}),
    S.REJECTED: frozenset({S.PENDING}),  # the holder corrects the right and submits it again
    S.EXPIRED: frozenset({S.PENDING}),
}

# A protection change waiting for a reviewer (RuleApproval): decided once; a later rule save
# withdraws what is still pending.
from .models import ApprovalStatus as A  # noqa: E402

APPROVAL_TRANSITIONS: dict[str, frozenset[str]] = {
    A.PENDING: frozenset({A.APPROVED, A.REJECTED, A.WITHDRAWN}),
    A.APPROVED: frozenset(),
    A.REJECTED: frozenset(),
    A.WITHDRAWN: frozenset(),
}

# A brand held for review (Brand.hold_status): a senior reviewer releases it, or keeps it held
# with a reason and may release it later; a released brand is not held again by this table (a
# new hold would come from a new brand_create).
HOLD_TRANSITIONS: dict[str, frozenset[str]] = {
    H.NONE: frozenset(),
    H.HELD: frozenset({H.KEPT, H.RELEASED}),
    H.KEPT: frozenset({H.RELEASED}),
    H.RELEASED: frozenset(),
}
