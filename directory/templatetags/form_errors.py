"""The error summary at the top of every page with a form that was refused.

base.html finds the bound forms and formsets in the page's context, so every form, allauth's
included, gets the same summary (and the "Error:" title) without its view passing anything.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django import forms, template
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.boundfield import BoundField
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@dataclass(frozen=True)
class ErrorEntry:
    """One line of the summary; `target` is the id of the field it moves to, if any."""

    message: str
    target: str = ""


def _field_target(field: BoundField) -> str:
    """The id of the control a link should focus: the first option of a radio or checkbox
    group, else the field itself."""
    if field.use_fieldset:
        subwidgets = field.subwidgets
        return str(subwidgets[0].data["attrs"].get("id", "")) if subwidgets else ""
    return field.id_for_label or field.auto_id or ""


def row_name(form: forms.BaseForm, *, number: int) -> str:
    """How a formset row is named in its errors: its number, and what the row says it is for
    when its form tells (a `row_label()` method, such as the hours rows' day)."""
    label = form.row_label() if hasattr(form, "row_label") else ""
    if label:
        return _("Row %(number)s (%(label)s)") % {"number": number, "label": label}
    return _("Row %(number)s") % {"number": number}


def _form_entries(form: forms.BaseForm, *, row: str = "") -> list[ErrorEntry]:
    if not form.is_bound or not form.errors:
        return []
    prefix = f"{row}: " if row else ""
    first_visible = next(iter(form.visible_fields()), None)
    # A row's own errors belong to no one field: the link goes to the row's first field.
    own_target = _field_target(first_visible) if row and first_visible else ""
    # format_html: a message that is already HTML (a refusal with a link) stays a link.
    entries = [
        ErrorEntry(format_html("{}{}", prefix, message), own_target)
        for message in form.non_field_errors()
    ]
    for name, messages in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            continue
        field = form[name]
        if field.is_hidden:
            # Hidden values are chosen elsewhere on the page; their forms repeat the message
            # among their own errors (see bookings.forms.show_slot_errors).
            entries.extend(ErrorEntry(prefix + str(message)) for message in messages)
            continue
        label = str(field.label or name).rstrip(":?")
        entries.extend(
            ErrorEntry(f"{prefix}{label}: {message}", _field_target(field)) for message in messages
        )
    return entries


def error_entries(values: Iterable[object]) -> list[ErrorEntry]:
    """Every error of every bound form or formset among `values`, in page order, once."""
    entries: list[ErrorEntry] = []
    seen: set[int] = set()
    for value in values:
        # type(), not isinstance(): isinstance would load every lazy value in the context
        # (the shortlist, the CSRF token) on pages that never show it.
        if id(value) in seen or not issubclass(type(value), forms.BaseForm | forms.BaseFormSet):
            continue
        seen.add(id(value))
        if isinstance(value, forms.BaseFormSet) and value.is_bound:
            value.errors  # noqa: B018 - cleans the formset, filling non_form_errors
            entries.extend(ErrorEntry(str(message)) for message in value.non_form_errors())
            for number, form in enumerate(value.forms, start=1):
                entries.extend(_form_entries(form, row=row_name(form, number=number)))
        elif isinstance(value, forms.BaseForm):
            entries.extend(_form_entries(value))
    return list(dict.fromkeys(entries))


@register.simple_tag(takes_context=True)
def page_errors(context: template.Context) -> list[ErrorEntry]:
    return error_entries(context.flatten().values())


@register.filter
def in_row(field: BoundField) -> SafeString:
    """A formset row's field, marked invalid and described by the row's own errors."""
    form = field.form
    if not form.is_bound or not form.non_field_errors():
        return format_html("{}", field)
    described = " ".join(filter(None, [field.aria_describedby, row_errors_id(form)]))
    return field.as_widget(attrs={"aria-invalid": "true", "aria-describedby": described})


@register.filter
def row_errors_id(form: forms.BaseForm) -> str:
    return f"{form.prefix}-errors"


@register.filter
def group_description(field: BoundField) -> str:
    """The ids a radio or checkbox group's fieldset is described by: Django describes single
    controls by their help and errors itself, but not a group."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)
