from .models import SubmissionStatus as S

# A statement record's submission: claimed (pending → sending) before it is posted; the answer
# settles it (submitted, rejected by the database, or back to pending when it is not known to
# have arrived); a statement the portal cannot build fails before it is sent. Staff send a rejected
# or failed statement again (back to pending, audited). A submitted statement is final.
SUBMISSION_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.SENDING}),
    S.SENDING: frozenset({S.SUBMITTED, S.REJECTED, S.PENDING, S.FAILED}),
    S.SUBMITTED: frozenset(),
    S.REJECTED: frozenset({S.PENDING}),
    S.FAILED: frozenset({S.PENDING}),
}


def sources_of(to: str) -> list[str]:
    """The statuses a record may move to `to` from."""
    return [current for current, allowed in SUBMISSION_TRANSITIONS.items() if to in allowed]
