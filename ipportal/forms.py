from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates


class PortalBoundField(BoundField):
    """Labels without Django's trailing colon: our templates lay labels above their fields."""

    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        return super().label_tag(contents, attrs, "" if label_suffix is None else label_suffix, tag)


class PortalRenderer(DjangoTemplates):
    """The project's form renderer (settings.FORM_RENDERER): every form and model form gets
    PortalBoundField without each form having to opt in."""

    bound_field_class = PortalBoundField
