"""How a right is named (IPRight.__str__, get_kind_display): statements of reasons and the audit
log's readable copies quote it."""

import pytest
from django.db.models import Model

from registry.models import IPRight, RightKind


@pytest.mark.parametrize("kind", [*RightKind.values, "retired", ""])
def test_a_rights_kind_is_shown_as_django_shows_a_choice(kind):
    right = IPRight(kind=kind)
    assert right.get_kind_display() == Model._get_FIELD_display(right, IPRight._meta.get_field("kind"))


def test_a_right_is_named_by_its_kinds_label_office_and_number():
    assert str(IPRight(kind="design", name="Lamp", office="EUIPO", registration_number="0001")) == \
        "Design “Lamp” EUIPO 0001"
    assert str(IPRight(kind="trademark", name="ACME", registered=False)) == "Unregistered trademark “ACME”"
