from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.formats import number_format

# A text box this long or longer is free text: its limit is said beside it.
STATED_LIMIT_FROM = 200


class PortalBoundField(BoundField):
    """Labels without Django's trailing colon: our templates lay labels above their fields. A free-text
    field's help says its maximum length ("Up to 10,000 characters."), which the browser enforces too."""

    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        limit = getattr(field, "max_length", None)
        free_text = isinstance(field.widget, forms.Textarea) or (
            isinstance(field.widget, forms.TextInput) and type(field) is forms.CharField
            and (limit or 0) >= STATED_LIMIT_FROM)
        if limit and free_text:
            stated = f"Up to {number_format(limit, force_grouping=True)} characters."
            self.help_text = f"{self.help_text} {stated}" if self.help_text else stated

    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        return super().label_tag(contents, attrs, "" if label_suffix is None else label_suffix, tag)


class PortalRenderer(DjangoTemplates):
    """The project's form renderer (settings.FORM_RENDERER): every form and model form gets
    PortalBoundField without each form having to opt in."""

    bound_field_class = PortalBoundField
