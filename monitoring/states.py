from .models import RecheckStatus as R

# Re-checks after a rule change: a running re-check finishes, or a newer change to the same brand's
# rules supersedes it (the newer one covers its remaining listings).
RECHECK_TRANSITIONS: dict[str, frozenset[str]] = {
    R.RUNNING: frozenset({R.DONE, R.SUPERSEDED}),
    R.DONE: frozenset(),
    R.SUPERSEDED: frozenset(),
}
