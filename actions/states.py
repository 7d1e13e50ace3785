from .models import ActionStatus as A
from .models import BulkJobStatus as B

# Enforcement actions: a worker applies a pending action under its row lock; a final failure is
# recorded and a person can send it back to pending.
ACTION_TRANSITIONS: dict[str, frozenset[str]] = {
    A.PENDING: frozenset({A.APPLIED, A.FAILED}),
    A.FAILED: frozenset({A.PENDING}),
    A.APPLIED: frozenset(),
}


# Bulk jobs: running until every action is applied or failed (a retried failure runs it again).
BULK_JOB_TRANSITIONS: dict[str, frozenset[str]] = {
    B.RUNNING: frozenset({B.FINISHED}),
    B.FINISHED: frozenset({B.RUNNING}),
}
