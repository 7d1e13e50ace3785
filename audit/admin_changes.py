"""Changes made in /admin/ are audited like any other: AuditedAdminMixin appends an entry for
every object added, changed or deleted there (inline rows too), in the admin's own transaction,
naming each changed field with its value before and after (secrets: only that they changed).

The services remain the way to move a state (those fields are read-only in each admin); this is
for what an administrator may still edit: a report's text, a case's right, a right's number, a
member's role, a user's role."""

from django.db import transaction

from .services import audit_append

SECRET_FIELDS = {"password", "secret", "previous_secret", "token", "token_hash", "key", "code", "code_hash"}


def _plain(value):
    if value is None or isinstance(value, bool | int | float):
        return value
    if hasattr(value, "all") and callable(value.all):  # a many-to-many's queryset
        return sorted(str(v) for v in value.all())
    if isinstance(value, list | tuple | set):
        return [str(v)[:200] for v in value]
    return str(value)[:500]


def form_changes(form) -> dict:
    changes = {}
    for name in form.changed_data:
        if name in SECRET_FIELDS or "password" in name:
            changes[name] = {"changed": True}
        else:
            changes[name] = {"from": _plain(form.initial.get(name)), "to": _plain(form.cleaned_data.get(name))}
    return changes


class AuditedAdminMixin:
    """Put first among an admin's bases: `class XAdmin(AuditedAdminMixin, admin.ModelAdmin)`."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if obj.pk is not None and (form.changed_data or not change):
                audit_append(actor=request.user, action="admin.changed" if change else "admin.added", target=obj,
                             data={"fields": form_changes(form)})

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_append(actor=request.user, action="admin.deleted", target=obj, data={})
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                audit_append(actor=request.user, action="admin.deleted", target=obj, data={})
            super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            deleted = [f.instance for f in formset.deleted_forms if f.instance.pk is not None]
            for obj in deleted:
                audit_append(actor=request.user, action="admin.deleted", target=obj, data={})
            super().save_formset(request, form, formset, change)
            for inline in formset.forms:
                if inline in formset.deleted_forms or not inline.has_changed() or inline.instance.pk is None:
                    continue
                added = inline.initial.get(formset.model._meta.pk.name) is None if inline.initial else True
                audit_append(actor=request.user, action="admin.added" if added else "admin.changed",
                             target=inline.instance, data={"fields": form_changes(inline)})
