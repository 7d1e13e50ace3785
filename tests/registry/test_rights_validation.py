"""Every way a right can be wrong gets a message naming the field, and nothing is saved."""

from datetime import date

import pytest

from registry.forms import CopyrightForm, DesignForm, PatentForm, TrademarkForm
from registry.models import IPRight, RightKind
from registry.offices import OFFICES, number_problem
from registry.services import RegistryError, right_register

FUTURE = date.today().replace(year=date.today().year + 5).isoformat()


def tm(**overrides):
    data = {"name": "ACME", "mark_type": "word", "office": "USPTO", "registration_number": "5,123,456",
            "nice_classes": "9, 25", "registered_on": "2020-01-15", "expires_on": FUTURE}
    data.update(overrides)
    return TrademarkForm(data)


def test_a_complete_trademark_is_valid_and_normalized():
    form = tm()
    assert form.is_valid(), form.errors
    fields = form.right_fields()
    assert fields["registration_number"] == "5123456"
    assert fields["nice_classes"] == [9, 25]


def test_an_unknown_office_is_named():
    form = tm(office="MOON")
    assert not form.is_valid()
    assert "“MOON” is not an office that registers trademarks" in form.errors["office"][0]


def test_an_office_that_does_not_grant_patents_is_refused_for_a_patent():
    form = PatentForm({"office": "EUIPO", "registration_number": "1234567", "name": "Hinge",
                       "expires_on": FUTURE, "claims": "1. A hinge."})
    assert not form.is_valid()
    assert "not an office that registers patents" in form.errors["office"][0]


@pytest.mark.parametrize("office,number", [("USPTO", "51234567"), ("EUIPO", "18123456"), ("UKIPO", "UK123"),
                                           ("KIPO", "41-1234567"), ("CIPO", "123456"), ("WIPO", "12345")])
def test_a_malformed_number_is_refused_with_the_office_format(office, number):
    form = tm(office=office, registration_number=number)
    assert not form.is_valid()
    msg = form.errors["registration_number"][0]
    assert f"is not a {office} trademark number" in msg
    assert OFFICES[office].formats["trademark"][1] in msg  # the example shows what it should look like


@pytest.mark.parametrize("office,number", [("USPTO", "5123456"), ("EUIPO", "018123456"),
                                           ("UKIPO", "UK00003123456"), ("JPO", "6123456"), ("CNIPA", "12345678"),
                                           ("KIPO", "40-1234567"), ("WIPO", "1234567"), ("CIPO", "TMA1,123,456"),
                                           ("IPAU", "1234567"), ("INPI_BR", "912345678"), ("DPMA", "302019012345"),
                                           ("INPI_FR", "4567890"), ("IMPI", "1234567"), ("CGPDTM", "1234567"),
                                           ("OTHER", "AB-123/45")])
def test_each_office_accepts_its_documented_format(office, number):
    form = tm(office=office, registration_number=number)
    assert form.is_valid(), form.errors


def test_the_other_office_still_refuses_garbage():
    assert number_problem(office="OTHER", kind="trademark", number="#!") is not None


def test_expiry_before_registration_is_refused():
    form = tm(registered_on="2024-05-01", expires_on="2024-04-30")
    assert not form.is_valid()
    assert form.errors["expires_on"] == ["The expiry date must be after the registration date."]


@pytest.mark.parametrize("classes,bad", [("0", "0"), ("9, 46", "46"), ("nine", "nine")])
def test_nice_classes_outside_1_to_45_are_refused(classes, bad):
    form = tm(nice_classes=classes)
    assert not form.is_valid()
    assert form.errors["nice_classes"] == [f"“{bad}” is not a Nice class; classes run from 1 to 45."]


def test_a_patent_needs_its_claims_and_expiry():
    form = PatentForm({"office": "USPTO", "registration_number": "US11234567B2", "name": "Hinge"})
    assert not form.is_valid()
    assert set(form.errors) == {"claims", "expires_on"}


def test_a_design_needs_its_product():
    form = DesignForm({"office": "USPTO", "registration_number": "D912345", "name": "Case", "expires_on": FUTURE})
    assert not form.is_valid()
    assert set(form.errors) == {"product"}


def test_a_copyright_has_no_office_and_an_optional_number():
    form = CopyrightForm({"name": "Night photo", "work_type": "image", "author": "Ann Lee",
                          "first_published_on": "2021-03-01"})
    assert form.is_valid(), form.errors
    assert form.right_fields()["office"] == ""
    assert "office" not in form.fields


def test_a_copyright_first_published_in_the_future_is_refused():
    form = CopyrightForm({"name": "Night photo", "work_type": "image", "author": "Ann Lee",
                          "first_published_on": FUTURE})
    assert not form.is_valid()
    assert "first_published_on" in form.errors


@pytest.mark.django_db
def test_the_service_refuses_an_already_expired_right(world):
    form = tm(registered_on="2000-01-01", expires_on="2010-01-01")
    assert form.is_valid()
    with pytest.raises(RegistryError) as exc:
        right_register(brand=world.brand_a, by=world.alice, kind=RightKind.TRADEMARK, fields=form.right_fields())
    assert exc.value.field == "expires_on"
    assert not IPRight.objects.filter(registered_on="2000-01-01").exists()


@pytest.mark.django_db
def test_the_same_registration_cannot_be_registered_twice(world):
    fields = tm(registration_number=world.tm_b.registration_number)
    assert fields.is_valid()
    with pytest.raises(RegistryError) as exc:
        right_register(brand=world.brand_a, by=world.alice, kind=RightKind.TRADEMARK, fields=fields.right_fields())
    assert exc.value.field == "registration_number"


@pytest.mark.django_db
def test_the_database_refuses_expiry_before_registration(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        IPRight.objects.create(brand=world.brand_a, kind="trademark", name="X", registered_on=date(2024, 1, 2),
                               expires_on=date(2024, 1, 1))
