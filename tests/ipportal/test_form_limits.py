"""Every free-text field has a maximum length, and the form says it (ipportal/forms.py)."""

import importlib
import inspect

import pytest
from django import forms
from django.apps import apps

from appeals.forms import AppealForm
from webhooks.forms import EndpointForm


def project_forms():
    for app in apps.get_app_configs():
        if "site-packages" in app.path:  # Django's and libraries' forms
            continue
        try:
            module = importlib.import_module(f"{app.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield f"{module.__name__}.{name}", cls



def test_every_declared_text_field_has_a_maximum_length():
    found = list(project_forms())
    assert len(found) > 20
    unbounded = [f"{name}.{field_name}" for name, cls in found for field_name, field in cls.base_fields.items()
                 if type(field) is forms.CharField and not field.max_length]
    assert unbounded == []


@pytest.mark.django_db
def test_a_text_box_states_its_limit_and_the_browser_enforces_it():
    html = str(AppealForm()["statement"].as_field_group())
    assert "Up to 10,000 characters." in html
    assert 'maxlength="10000"' in html


@pytest.mark.django_db
def test_a_short_field_does_not_state_a_limit():
    html = str(EndpointForm()["url"].as_field_group())
    assert "characters." not in html
