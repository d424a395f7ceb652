"""A form's fields as components/_form_fields.html draws them, written out in Python.

Django draws each widget, label and error list through a template of its own, and on the
booking form that was a third of the page's time. Everything a field says about itself
(its ids, `required`, `aria-invalid`, `aria-describedby`, the chosen option) still comes
from Django's BoundField and widget contexts; only the markup of their templates is written
here, and a test holds every piece equal to what Django draws. A widget this module does
not know is drawn by Django as before.
"""

import html
from collections.abc import Mapping
from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.forms.utils import ErrorList
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from directory.templatetags.form_errors import group_description

register = template.Library()

INPUTS = {
    "django/forms/widgets/text.html",
    "django/forms/widgets/hidden.html",
    "django/forms/widgets/email.html",
    "django/forms/widgets/number.html",
    "django/forms/widgets/url.html",
    "django/forms/widgets/date.html",
}
TEXTAREA = "django/forms/widgets/textarea.html"
RADIOS = "django/forms/widgets/radio.html"
ERRORS = "django/forms/errors/list/default.html"


def _esc(value: object) -> str:
    """conditional_escape(value), without its lazy-string wrapper: it runs for every
    attribute of every control."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def _attrs(attrs: Mapping[str, Any]) -> str:
    """django/forms/widgets/attrs.html"""
    return "".join(
        f" {_esc(name)}" if value is True else f' {_esc(name)}="{_esc(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: Mapping[str, Any]) -> str:
    """django/forms/widgets/input.html"""
    value = widget["value"]
    shown = f' value="{_esc(value)}"' if value is not None else ""
    return (
        f'<input type="{_esc(widget["type"])}"'
        f' name="{_esc(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _option(option: Mapping[str, Any]) -> str:
    """django/forms/widgets/radio_option.html (input_option.html), as included."""
    if not option["wrap_label"]:
        return f"{_input(option)}\n\n\n"
    option_id = option["attrs"].get("id")
    label_for = f' for="{_esc(option_id)}"' if option_id else ""
    return f"<label{label_for}>{_input(option)}\n {_esc(option['label'])}</label>\n\n"


def _choices(widget: Mapping[str, Any]) -> str | None:
    """django/forms/widgets/multiple_input.html without option groups (None with them)."""
    attrs = widget["attrs"]
    parts = [
        "<div",
        f' id="{_esc(attrs["id"])}"' if attrs.get("id") else "",
        f' class="{_esc(attrs["class"])}"' if attrs.get("class") else "",
        ">",
    ]
    for group, options, _index in widget["optgroups"]:
        if group:
            return None
        parts.extend(f"<div>\n    {_option(option)}</div>" for option in options)
    parts.append("\n</div>")
    return "".join(parts)


def widget_html(field: BoundField) -> str:
    """str(field): BoundField.as_widget() with the widget's template written out."""
    widget = field.field.widget
    if field.field.localize or field.field.show_hidden_initial:
        return str(field)
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    name = widget.template_name
    if name in INPUTS:
        return _input(context)
    if name == TEXTAREA:
        value = context["value"]
        shown = _esc(value) if value else ""
        return (
            f'<textarea name="{_esc(context["name"])}"{_attrs(context["attrs"])}>'
            f"\n{shown}</textarea>"
        )
    if name == RADIOS:
        written = _choices(context)
        if written is not None:
            return written
    return str(field)


def label_html(field: BoundField, *, tag: str = "label") -> str:
    """field.label_tag() (or legend_tag()) with its template written out."""
    form = field.form
    if hasattr(form, "required_css_class"):
        return field.legend_tag() if tag == "legend" else field.label_tag()
    contents: str = _esc(field.label)
    suffix = field.field.label_suffix
    if suffix is None:
        suffix = form.label_suffix
    if suffix and field.label and str(field.label)[-1] not in _(":?.!"):
        contents = f"{contents}{_esc(suffix)}"
    element_id = field.field.widget.attrs.get("id") or field.auto_id
    if not element_id:
        return contents
    label_for = field.field.widget.id_for_label(element_id)
    attrs = f' for="{_esc(label_for)}"' if label_for else ""
    return f"<{tag}{attrs}>{contents}</{tag}>"


def errors_html(errors: ErrorList) -> str:
    """str(errors): django/forms/errors/list/ul.html written out."""
    if errors.template_name != ERRORS:
        return str(errors)
    if not errors:
        return ""
    owner = getattr(errors, "field_id", None)  # the field whose errors these are, if any
    field_id = f' id="{_esc(owner)}_error"' if owner else ""
    items = "".join(f"<li>{_esc(str(error))}</li>" for error in errors)
    return f'<ul class="{_esc(errors.error_class)}"{field_id}>{items}</ul>'


@register.simple_tag
def written_fields(form: forms.BaseForm) -> SafeString:
    """What components/_form_fields.html draws for `form`."""
    parts = []
    non_field = form.non_field_errors()
    if non_field:
        parts.append(f'<div class="form-errors">{errors_html(non_field)}</div>')
    parts.append("".join(widget_html(field) for field in form.hidden_fields()))
    for field in form.visible_fields():
        errors = field.errors
        parts.append(f'<div class="field{" field-error" if errors else ""}">')
        if field.use_fieldset:
            described = group_description(field)
            by = f' aria-describedby="{_esc(described)}"' if described else ""
            parts.append(f'<fieldset class="field-group"{by}>')
            parts.extend([label_html(field, tag="legend"), widget_html(field)])
            parts.extend([errors_html(errors), "</fieldset>"])
        elif field.widget_type == "checkbox":
            parts.append(f"{widget_html(field)} {label_html(field)}")
        else:
            parts.extend([label_html(field), widget_html(field)])
        if field.help_text:
            parts.append(
                f'<div class="help" id="{_esc(field.auto_id)}_helptext">'
                f"{_esc(field.help_text)}</div>"
            )
        if not field.use_fieldset:
            parts.append(errors_html(errors))
        parts.append("</div>")
    return mark_safe("\n".join(part for part in parts if part))  # noqa: S308 - all escaped
