"""The booking form's fields, written out in Python, say exactly what Django draws."""

import pytest
from django.forms import CharField, Form, RadioSelect
from django.template.loader import render_to_string
from pytest_django.asserts import assertHTMLEqual

from bookings.forms import BookingForm
from bookings.templatetags.written_form import (
    errors_html,
    label_html,
    widget_html,
    written_fields,
)

VIDEO_AND_PHONE = [("video", "Video call"), ("phone", "Phone call")]
PHONE = [("phone", "Phone call")]
PROMISE = 'Phone: Ada "<Lovelace>" & co will call you.'

STATES = [
    {},
    {"initial": {"slot": "2026-12-07T14:00:00Z", "tz": "Europe/Berlin"}},
    {"data": {"slot": "2026-12-07T14:00:00Z", "tz": "Europe/Berlin", "mode": "video"}},
    {"data": {"slot": "2026-12-07T14:00:00Z", "tz": "Europe/Berlin", "mode": "phone"}},
    {"data": {"slot": "nope", "tz": "<b>", "mode": "x", "phone": '"><script>', "note": "<i>"}},
    {"data": {"tz": "Europe/Berlin", "mode": "phone", "phone": "abc", "note": "x" * 600}},
    {"data": {"slot": "2026-12-07T14:00:00Z", "mode": "video", "note": "a & b\n\nc"}},
]


def _forms():
    for modes in (VIDEO_AND_PHONE, PHONE):
        for state in STATES:
            form = BookingForm(**state, modes=modes, promise=PROMISE)
            form.is_valid()
            yield form
            if form.is_bound:
                refused = BookingForm(**state, modes=modes, promise=PROMISE)
                refused.is_valid()
                refused.add_error(None, "Someone has just booked that time. <Please> pick another.")
                yield refused


@pytest.mark.parametrize("form", list(_forms()))
def test_each_piece_is_what_django_draws(form):
    assert errors_html(form.non_field_errors()) == str(form.non_field_errors())
    for field in form:
        assert widget_html(field) == str(field)
        assert label_html(field) == field.label_tag()
        assert label_html(field, tag="legend") == field.legend_tag()
        assert errors_html(field.errors) == str(field.errors)


@pytest.mark.parametrize("form", list(_forms()))
def test_the_fields_read_as_the_shared_template_draws_them(form):
    assertHTMLEqual(
        written_fields(form), render_to_string("components/_form_fields.html", {"form": form})
    )


class Grouped(Form):
    kind = CharField(widget=RadioSelect(choices=[("Group", [("a", "A"), ("b", "B")])]))


def test_a_widget_it_does_not_know_is_drawn_by_django():
    field = Grouped()["kind"]

    assert widget_html(field) == str(field)
