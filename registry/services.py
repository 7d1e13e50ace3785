from django.db import transaction
from django.utils import timezone

from audit.transitions import transition

from .models import IPRight, RightStatus
from .states import RIGHT_TRANSITIONS


def right_verify(*, right: IPRight, reviewer) -> IPRight:
    """Mark a pending right verified by `reviewer` (the full code flow arrives with the registry)."""
    with transaction.atomic():
        return transition(
            obj=right, to=RightStatus.VERIFIED, actor=reviewer, table=RIGHT_TRANSITIONS,
            field="status", changes={"verified_at": timezone.now(), "verified_by": reviewer},
        )
