"""Small things that add up: zone names, admin wording."""

from datetime import date

import pytest

from directory.admin import PromotionAdmin
from directory.forms import ProfileForm
from directory.models import Approach, Promotion
from tests.factories import SpecialistFactory

pytestmark = pytest.mark.django_db


def offered(form: ProfileForm) -> set[str]:
    return {key for key, _label in form.fields["time_zone"].choices}


def test_the_profile_form_offers_current_zone_names_only():
    zones = offered(ProfileForm())

    assert {"Africa/Asmara", "Asia/Kolkata", "America/Toronto", "UTC"} <= zones
    assert not {"Africa/Asmera", "Asia/Calcutta", "US/Eastern"} & zones


def test_a_profile_stored_with_an_old_zone_name_keeps_it_on_offer():
    specialist = SpecialistFactory(time_zone="Asia/Calcutta")

    assert "Asia/Calcutta" in offered(ProfileForm(instance=specialist))


def test_only_a_new_profile_takes_the_browsers_zone():
    assert "data-tz-default" in str(ProfileForm()["time_zone"])
    assert "data-tz-default" not in str(ProfileForm(instance=SpecialistFactory())["time_zone"])


def test_the_admin_says_approaches_and_names_a_promotion():
    specialist = SpecialistFactory(name="Mira Okafor")
    promotion = Promotion(
        specialist=specialist, starts_on=date(2027, 1, 4), ends_on=date(2027, 1, 10)
    )

    assert Approach._meta.verbose_name_plural == "approaches"
    assert str(promotion) == "Mira Okafor, 2027-01-04 to 2027-01-10"
    assert PromotionAdmin.autocomplete_fields == ["specialist"]


def test_the_log_in_page_is_headed_like_the_link_that_leads_there(client):
    page = client.get("/accounts/login/").content.decode()

    assert "<h1>Log in</h1>" in page
    assert ">Sign In</h1>" not in page
    assert "Keep me logged in on this device" in page
    assert "Remember Me" not in page
    assert "Can&#x27;t log in?" in page or "Can't log in?" in page
    assert 'href="/accounts/password/reset/"' in page
