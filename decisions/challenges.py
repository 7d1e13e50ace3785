"""A restricting decision is challenged one way at a time: by an appeal (appeals/) or by a
counter-notice (counter_notices/), never both at once. The two apps do not import each other:
each registers here what it has open on a decision, and each asks here before filing.

Registered by each app's AppConfig.ready()."""

from collections.abc import Callable

from complaints.models import Case, CaseState, Decision

# kind -> check(case=, decision=) -> the message shown to someone trying another kind of challenge while
# this one is open (None: nothing of this kind is open on the decision).
_OPEN: dict[str, Callable[..., str | None]] = {}


def restriction_in_force(*, case: Case, decision: Decision | None) -> bool:
    """`decision`, the latest of `case`, restricts the listing and still stands (the case is
    actioned: not appealed, reversed or withdrawn since). Only such a decision may be challenged."""
    return case.state == CaseState.ACTIONED and decision is not None and decision.restricts


def challenge_kind(kind: str, open_check: Callable[..., str | None]) -> None:
    _OPEN[kind] = open_check


def challenge_open(*, case: Case, decision: Decision, other_than: str) -> str | None:
    """Why a challenge of kind `other_than` cannot be filed on `decision` (the latest of `case`)
    because another kind is open on it, or None."""
    for kind, check in _OPEN.items():
        if kind != other_than and (message := check(case=case, decision=decision)):
            return message
    return None
