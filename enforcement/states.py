from listings.models import ListingStatus

from .models import ActionKind
from .models import ActionStatus as A
from .models import AppealStatus as P
from .models import CounterNoticeStatus as C
from .models import DeliveryStatus as D
from .models import EndpointStatus as E

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

APPEAL_TRANSITIONS: dict[str, frozenset[str]] = {
    P.OPEN: frozenset({P.GRANTED, P.DENIED}),
    P.GRANTED: frozenset(),
    P.DENIED: frozenset(),
}

# Counter-notices: the rights holder shows a court action (stays down) or the reinstatement day
# comes (the beat task reinstates). Withdrawal of the notice (issue 4) ends the case, not this row.
COUNTER_NOTICE_TRANSITIONS: dict[str, frozenset[str]] = {
    C.WAITING: frozenset({C.COURT_ACTION, C.REINSTATED}),
    C.COURT_ACTION: frozenset(),
    C.REINSTATED: frozenset(),
}

# Webhook deliveries: an attempt that fails but may be retried leaves the row pending (attempts
# are counters on the row, see enforcement.webhooks.services); 2xx delivers; 410, giving up after
# the retry window, or a disabled endpoint fails; a person may redeliver either end state.
DELIVERY_TRANSITIONS: dict[str, frozenset[str]] = {
    D.PENDING: frozenset({D.DELIVERED, D.FAILED}),
    D.DELIVERED: frozenset({D.PENDING}),
    D.FAILED: frozenset({D.PENDING}),
}

# Webhook endpoints: the marketplace disables and re-enables; a 410 Gone answer disables.
ENDPOINT_TRANSITIONS: dict[str, frozenset[str]] = {
    E.ENABLED: frozenset({E.DISABLED}),
    E.DISABLED: frozenset({E.ENABLED}),
}

# Bulk jobs: running until every action is applied or failed (a retried failure runs it again).
from .models import BulkJobStatus as B  # noqa: E402
from .models import SuspensionStatus as U  # noqa: E402

BULK_JOB_TRANSITIONS: dict[str, frozenset[str]] = {
    B.RUNNING: frozenset({B.FINISHED}),
    B.FINISHED: frozenset({B.RUNNING}),
}

# Seller suspensions: proposed by the system at the strike threshold or by a reviewer from a case,
# approved or rejected by a senior reviewer; an approved suspension can be lifted. Rejected and
# lifted are final (a later strike or reviewer makes a new proposal).
SUSPENSION_TRANSITIONS: dict[str, frozenset[str]] = {
    U.PROPOSED: frozenset({U.APPROVED, U.REJECTED}),
    U.APPROVED: frozenset({U.LIFTED}),
    U.REJECTED: frozenset(),
    U.LIFTED: frozenset(),
}
