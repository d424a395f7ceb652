"""A refused form: "Error:" in the title, a summary above the page linking each error to its
field, and errors of radio and checkbox groups described on their fieldset."""

import lxml.html
import pytest
from django import forms
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from bookings.forms import slot_value
from directory.templatetags.form_errors import ErrorEntry, error_entries
from tests.bookings.conftest import free_slot, open_hours
from tests.factories import SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db


class Choice(forms.Form):
    colour = forms.ChoiceField(
        label="Colour?", choices=[("red", "Red"), ("blue", "Blue")], widget=forms.RadioSelect
    )
    name = forms.CharField(label="Name")
    secret = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("Something is off as a whole.")


def test_the_summary_links_each_field_error_to_its_control_and_a_group_to_its_first_option():
    form = Choice(data={})

    entries = error_entries([form, form, "not a form", Choice()])

    assert entries == [
        ErrorEntry("Something is off as a whole."),
        ErrorEntry("Colour: This field is required.", "id_colour_0"),
        ErrorEntry("Name: This field is required.", "id_name"),
        ErrorEntry("This field is required."),
    ]


def test_a_page_without_a_refused_form_has_no_summary_and_a_plain_title(client):
    page = client.get(reverse("accessibility"))

    html = lxml.html.fromstring(page.content)
    assert not html.find_class("error-summary")
    assert html.findtext(".//title").split()[0] == "Accessibility"


def test_a_refused_form_titles_the_page_error_and_lists_each_error_above_it(client):
    client.force_login(UserFactory())

    page = client.post(reverse("messaging:contact"), {"subject": ""})

    assert page.status_code == 400
    html = lxml.html.fromstring(page.content)
    assert html.findtext(".//title").split()[0] == "Error:"
    summary = html.find_class("error-summary")[0]
    assert summary.get("tabindex") == "-1"
    links = summary.findall(".//a")
    assert links
    for link in links:
        target = html.get_element_by_id(link.get("href").removeprefix("#"))
        assert target.get("aria-invalid") == "true"
    assert b"js/error-summary.js" in page.content


def test_a_radio_groups_error_is_described_on_its_fieldset(client):
    specialist = SpecialistFactory(time_zone="America/Toronto")
    open_hours(specialist)
    client.force_login(UserFactory())

    page = client.post(
        reverse("bookings:book", kwargs={"slug": specialist.slug}),
        {"slot": slot_value(free_slot(specialist).starts_at), "mode": "carrier-pigeon"},
    )

    assert page.status_code == 400
    html = lxml.html.fromstring(page.content)
    fieldset = next(html.get_element_by_id("id_mode_0").iterancestors("fieldset"))
    described = fieldset.get("aria-describedby").split()
    assert "id_mode_error" in described
    assert "Select a valid choice" in html.get_element_by_id("id_mode_error").text_content()
    summary_link = html.find_class("error-summary")[0].findall(".//a")[0]
    assert summary_link.get("href") == "#id_mode_0"


def test_the_summary_leaves_lazy_values_of_the_page_unread():
    def unread() -> object:
        raise AssertionError("the summary read a lazy value (a query on every page)")

    assert error_entries([SimpleLazyObject(unread)]) == []
