from itertools import product

import pytest
from django.db import transaction

from audit.transitions import IllegalTransition, transition
from monitoring.models import RecheckJob, RecheckStatus
from monitoring.states import RECHECK_TRANSITIONS
from registry.models import Brand

# Written out: a running re-check ends done or superseded; an ended one never moves again.
ALLOWED = {("running", "done"), ("running", "superseded")}


@pytest.mark.django_db
@pytest.mark.parametrize("current,to", list(product(RecheckStatus.values, repeat=2)))
def test_a_recheck_moves_only_as_written(current, to):
    job = RecheckJob.objects.create(brand=Brand.objects.create(name="B"), status=current, total=0, upto=0)
    with transaction.atomic():
        if (current, to) in ALLOWED:
            transition(obj=job, to=to, actor=None, table=RECHECK_TRANSITIONS, field="status")
            assert RecheckJob.objects.get(pk=job.pk).status == to
        else:
            with pytest.raises(IllegalTransition):
                transition(obj=job, to=to, actor=None, table=RECHECK_TRANSITIONS, field="status")
