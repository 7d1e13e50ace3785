from .models import OffenceState as O
from .models import PackageStatus as P
from .models import ReferralState as R

# A package is built once: queued, claimed by its task, then ready or failed. A redelivered task
# finds it building and builds it again from the start (the file is rewritten, never appended).
# A ready package's file is deleted after its link expires (expired); a new request builds anew.
PACKAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    P.QUEUED: frozenset({P.BUILDING, P.FAILED}),
    P.BUILDING: frozenset({P.BUILDING, P.READY, P.FAILED}),
    P.READY: frozenset({P.EXPIRED}),
    P.FAILED: frozenset(),
    P.EXPIRED: frozenset(),
}

# A brand's request is accepted into a draft or refused by staff; staff send the draft; the agency
# acknowledges and acts or declines; anything still in play can be closed.
REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    R.REQUESTED: frozenset({R.DRAFT, R.REFUSED}),
    R.REFUSED: frozenset(),
    R.DRAFT: frozenset({R.SENT, R.CLOSED}),
    R.SENT: frozenset({R.ACKNOWLEDGED, R.DECLINED, R.CLOSED}),
    R.ACKNOWLEDGED: frozenset({R.ACTION_TAKEN, R.DECLINED, R.CLOSED}),
    R.ACTION_TAKEN: frozenset({R.CLOSED}),
    R.DECLINED: frozenset({R.CLOSED}),
    R.CLOSED: frozenset(),
}

# Art. 18: a senior notifies the authorities or dismisses the flag; either is final.
OFFENCE_TRANSITIONS: dict[str, frozenset[str]] = {
    O.FLAGGED: frozenset({O.NOTIFIED, O.DISMISSED}),
    O.NOTIFIED: frozenset(),
    O.DISMISSED: frozenset(),
}
