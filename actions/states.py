from listings.models import ListingStatus

from .models import ActionKind
from .models import ActionStatus as A
from .models import BulkJobStatus as B

# Enforcement actions: a worker applies a pending action under its row lock; a final failure is
# recorded and a person can send it back to pending.
ACTION_TRANSITIONS: dict[str, frozenset[str]] = {
    A.PENDING: frozenset({A.APPLIED, A.FAILED}),
    A.FAILED: frozenset({A.PENDING}),
    A.APPLIED: frozenset(),
}


# The listing status each kind of action brings its listing to.
ACTION_TARGET_STATUS: dict[str, str] = {
    ActionKind.REMOVE: ListingStatus.REMOVED, ActionKind.SUPPRESS: ListingStatus.SUPPRESSED,
    ActionKind.REINSTATE: ListingStatus.ACTIVE, ActionKind.UNSUPPRESS: ListingStatus.ACTIVE,
}

# Bulk jobs: running until every action is applied or failed (a retried failure runs it again).
BULK_JOB_TRANSITIONS: dict[str, frozenset[str]] = {
    B.RUNNING: frozenset({B.FINISHED}),
    B.FINISHED: frozenset({B.RUNNING}),
}
