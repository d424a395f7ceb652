"""Names and titles lose invisible characters; phone numbers must be phone numbers."""

import pytest
from django.urls import reverse

from directory.fields import PhoneField, PlainLineField, plain_line
from directory.models import Specialist
from tests.directory.test_profiles import form_post
from tests.factories import UserFactory

BIDI_AND_INVISIBLE = [
    "\u202e",  # right-to-left override
    "\u202a", "\u202b", "\u202c", "\u202d",  # embeddings and pop
    "\u2066", "\u2067", "\u2068", "\u2069",  # isolates
    "\u200e", "\u200f", "\u061c",  # marks
    "\u200b", "\u2060", "\ufeff", "\u00ad",  # zero-width space, word joiner, BOM, soft hyphen
    "\x1b", "\r", "\x00",
]  # fmt: skip


@pytest.mark.parametrize("invisible", BIDI_AND_INVISIBLE)
def test_a_name_loses_bidi_controls_and_invisible_characters(invisible):
    assert plain_line(f"Dr{invisible} Ana \u202egnp.exe") == "Dr Ana gnp.exe"
    assert invisible not in plain_line(f"Ana{invisible}Lee")


def test_the_joiners_that_scripts_and_emoji_need_stay():
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"

    assert plain_line(persian) == persian
    assert plain_line(family) == family


def test_line_breaks_and_runs_of_spaces_become_one_space():
    assert plain_line("  Ana\r\n  Lee\t ") == "Ana Lee"


def test_the_field_refuses_a_name_that_was_only_invisible_characters():
    field = PlainLineField(max_length=50)

    with pytest.raises(Exception, match="required"):
        field.clean("\u202e\u200b")


@pytest.mark.parametrize(
    "phone", ["+1 416 555 0100", "+44 20 7946 0958", "+49 (30) 901820", "+33-1-23-45-67-89"]
)
def test_a_phone_number_with_its_country_code_is_kept_as_typed(phone):
    assert PhoneField(required=False).clean(phone) == phone


@pytest.mark.parametrize(
    "phone",
    [
        "+1 416 555 0100\r\nBcc: x@example.com",
        "<script>alert(1)</script>",
        "call me",
        "+1 555 aaa",
        "4165550100",  # no country code: ambiguous
        "+1 123",
        "+" + "9" * 30,
    ],
)
def test_anything_else_is_refused_with_a_clear_message(phone):
    with pytest.raises(Exception, match="country code, for example"):
        PhoneField(required=False).clean(phone)


@pytest.mark.django_db
def test_the_profile_form_cleans_the_name_and_titles(client, taxonomy):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        "/profile/",
        form_post(
            taxonomy, name="Leanne\u202e Sawchuk\u200b", titles="\u2066RP\u2069, Art Therapist"
        ),
    )

    assert response.status_code == 302
    specialist = Specialist.objects.get(owner=user)
    assert (specialist.name, specialist.titles) == ("Leanne Sawchuk", "RP, Art Therapist")


@pytest.mark.django_db
def test_a_question_title_loses_a_bidi_override(client):
    from content.models import Question

    client.force_login(UserFactory())

    response = client.post(
        reverse("content:question_new"), {"title": "How do I \u202estart therapy?", "details": ""}
    )

    assert response.status_code == 302, response.content[:2000]
    assert Question.objects.get().title == "How do I start therapy?"


@pytest.mark.django_db
def test_a_booking_with_a_phone_that_is_not_one_gets_a_400_and_a_message(client):
    from tests.bookings.conftest import free_slot, open_hours
    from tests.factories import SpecialistFactory

    specialist = SpecialistFactory()
    open_hours(specialist)
    client.force_login(UserFactory())
    slot = free_slot(specialist)

    response = client.post(
        reverse("bookings:book", kwargs={"slug": specialist.slug}),
        {"slot": slot.starts_at.isoformat(), "mode": "phone", "phone": "555\r\n<b>x</b>"},
    )

    assert response.status_code == 400
    assert b"country code, for example +1 416 555 0100" in response.content


@pytest.mark.django_db
def test_a_person_s_first_name_and_pronouns_lose_invisible_characters():
    from directory.forms import NameForm

    form = NameForm({"first_name": "Ana\u202e\u200b", "pronouns": "she/\u2066her"})

    assert form.is_valid(), form.errors
    assert (form.cleaned_data["first_name"], form.cleaned_data["pronouns"]) == ("Ana", "she/her")
