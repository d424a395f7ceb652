import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from directory import profiles
from directory.models import Specialist, User
from tests.factories import PASSWORD, SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db


def profile_data(taxonomy, **changes):
    data = {
        "name": "Leanne Sawchuk",
        "titles": "Registered Psychotherapist, Art Therapist",
        "license_number": "RP-1",
        "license_body": "CRPO",
        "years_experience": 9,
        "specialties": [taxonomy["anxiety"], taxonomy["trauma"]],
        "approaches": [taxonomy["cbt"]],
        "languages": [taxonomy["english"]],
        "offers_online": True,
        "offers_in_person": False,
        "city": "Toronto",
        "region": "Ontario",
        "country": "Canada",
        "time_zone": "America/Toronto",
        "fees": "140 CAD",
        "education": "York University",
        "intro": "Art therapy for anxiety.",
        "bio": "She supports people with **anxiety**.",
        "offers_free_consultation": True,
        "video_url": "",
        "meeting_link": "",
    }
    data.update(changes)
    return data


def form_post(taxonomy, **changes):
    """What the browser sends: ids for the lists, strings for the rest."""
    data = profile_data(taxonomy, **changes)
    post = {}
    for name, value in data.items():
        if name in ("specialties", "approaches", "languages"):
            post[name] = [item.pk for item in value]
        elif isinstance(value, bool):
            if value:
                post[name] = "on"
        else:
            post[name] = str(value)
    return post


def jpeg_upload(name="me.jpg", size=(400, 300)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "#2f6f62").save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


# Domain functions


def test_creating_a_profile_makes_a_draft_and_the_owner_a_specialist(taxonomy):
    client_user = UserFactory(role=User.Role.CLIENT)

    specialist = profiles.create_profile(owner=client_user, data=profile_data(taxonomy))

    client_user.refresh_from_db()
    assert specialist.status == Specialist.Status.DRAFT
    assert client_user.role == User.Role.SPECIALIST
    assert specialist.slug == "leanne-sawchuk"
    assert "<strong>anxiety</strong>" in specialist.bio_html
    assert "Anxiety" in specialist.search_document
    assert set(specialist.specialties.values_list("slug", flat=True)) == {"anxiety", "trauma"}


def test_a_second_profile_for_the_same_person_is_refused(taxonomy):
    owner = UserFactory()
    profiles.create_profile(owner=owner, data=profile_data(taxonomy))

    with pytest.raises(profiles.ProfileError):
        profiles.create_profile(owner=owner, data=profile_data(taxonomy))


def test_two_people_with_the_same_name_get_different_addresses(taxonomy):
    first = profiles.create_profile(owner=UserFactory(), data=profile_data(taxonomy))
    second = profiles.create_profile(owner=UserFactory(), data=profile_data(taxonomy))

    assert first.slug != second.slug
    assert second.slug.startswith("leanne-sawchuk-")


def test_the_bio_is_sanitized(taxonomy):
    data = profile_data(taxonomy, bio="Hi <script>alert(1)</script> [x](javascript:alert(1))")

    specialist = profiles.create_profile(owner=UserFactory(), data=data)

    assert "<script" not in specialist.bio_html
    assert "javascript:" not in specialist.bio_html


def test_submitting_a_complete_draft_puts_it_in_the_queue(taxonomy):
    specialist = profiles.create_profile(owner=UserFactory(), data=profile_data(taxonomy))

    profiles.submit_for_review(specialist=specialist)

    assert specialist.status == Specialist.Status.PENDING
    assert specialist.submitted_at is not None


def test_an_incomplete_profile_cannot_be_submitted_and_says_what_is_missing(taxonomy):
    data = profile_data(taxonomy, specialties=[], bio="")
    specialist = profiles.create_profile(owner=UserFactory(), data=data)

    with pytest.raises(profiles.ProfileError, match="at least one specialty, a biography"):
        profiles.submit_for_review(specialist=specialist)
    specialist.refresh_from_db()
    assert specialist.status == Specialist.Status.DRAFT


@pytest.mark.parametrize("status", ["pending", "published"])
def test_a_profile_already_with_us_cannot_be_submitted_again(taxonomy, status):
    specialist = profiles.create_profile(owner=UserFactory(), data=profile_data(taxonomy))
    Specialist.objects.filter(pk=specialist.pk).update(status=status)
    specialist.refresh_from_db()

    with pytest.raises(profiles.ProfileError):
        profiles.submit_for_review(specialist=specialist)


def test_a_rejected_profile_can_be_fixed_and_resubmitted(taxonomy):
    specialist = profiles.create_profile(owner=UserFactory(), data=profile_data(taxonomy))
    Specialist.objects.filter(pk=specialist.pk).update(
        status=Specialist.Status.REJECTED, rejection_reason="Add your license body."
    )
    specialist.refresh_from_db()

    profiles.update_profile(specialist=specialist, data=profile_data(taxonomy, fees="150 CAD"))
    profiles.submit_for_review(specialist=specialist)

    assert specialist.status == Specialist.Status.PENDING
    assert specialist.rejection_reason == ""


def test_editing_a_published_profile_keeps_it_published(taxonomy):
    specialist = profiles.create_profile(owner=UserFactory(), data=profile_data(taxonomy))
    Specialist.objects.filter(pk=specialist.pk).update(status=Specialist.Status.PUBLISHED)
    specialist.refresh_from_db()

    back_to_review = profiles.update_profile(
        specialist=specialist,
        data=profile_data(taxonomy, bio="New words about grief.", fees="Sliding scale"),
    )

    assert back_to_review is False
    assert specialist.status == Specialist.Status.PUBLISHED
    assert specialist.fees == "Sliding scale"
    assert "grief" in specialist.search_document


@pytest.mark.parametrize(
    "change",
    [{"name": "Someone Else"}, {"titles": "Psychiatrist"}, {"license_number": "RP-2"}],
)
def test_changing_name_titles_or_license_sends_a_published_profile_back_to_review(taxonomy, change):
    specialist = profiles.create_profile(owner=UserFactory(), data=profile_data(taxonomy))
    Specialist.objects.filter(pk=specialist.pk).update(
        status=Specialist.Status.PUBLISHED, license_verified_at="2026-01-01T00:00Z"
    )
    specialist.refresh_from_db()

    back_to_review = profiles.update_profile(
        specialist=specialist, data=profile_data(taxonomy, **change)
    )

    assert back_to_review is True
    assert specialist.status == Specialist.Status.PENDING
    assert not Specialist.objects.listed().filter(pk=specialist.pk).exists()
    license_changed = "license_number" in change
    assert (specialist.license_verified_at is None) is license_changed


def test_a_photo_is_stored_in_two_sizes(taxonomy):
    from directory import photos

    upload = jpeg_upload()
    processed = photos.process(upload=upload, size=upload.size)

    specialist = profiles.create_profile(
        owner=UserFactory(), data=profile_data(taxonomy), photo=processed
    )

    with (
        Image.open(specialist.photo.path) as profile,
        Image.open(specialist.photo_thumbnail.path) as card,
    ):
        assert (profile.size, card.size) == ((480, 480), (192, 192))


# Views: the owner, another user, an anonymous visitor


def test_a_visitor_is_asked_to_log_in_and_cannot_post(client, taxonomy):
    assert b"To create your specialist profile" in client.get("/profile/").content

    response = client.post("/profile/", form_post(taxonomy))

    assert response.status_code == 403
    assert not Specialist.objects.exists()


def test_a_client_creates_a_draft_profile_from_the_form(client, taxonomy):
    user = UserFactory(role=User.Role.CLIENT)
    client.force_login(user)

    response = client.post("/profile/", {**form_post(taxonomy), "photo_upload": jpeg_upload()})

    assert response.status_code == 302
    specialist = Specialist.objects.get(owner=user)
    assert specialist.status == Specialist.Status.DRAFT
    assert specialist.photo_thumbnail
    assert client.get("/profile/").status_code == 200


def test_posting_status_promotion_or_owner_changes_nothing(client, taxonomy):
    user, other = UserFactory(), UserFactory()
    client.force_login(user)

    client.post(
        "/profile/",
        {
            **form_post(taxonomy),
            "status": "published",
            "is_promoted": "on",
            "owner": other.pk,
            "slug": "chosen",
            "license_verified_at": "2026-01-01 00:00",
        },
    )

    specialist = Specialist.objects.get()
    assert specialist.owner == user
    assert specialist.status == Specialist.Status.DRAFT
    assert specialist.slug == "leanne-sawchuk"
    assert specialist.license_verified_at is None
    assert not specialist.promotions.exists()


def test_a_specialist_edits_only_their_own_profile(client, taxonomy):
    mine = SpecialistFactory(name="Mine")
    theirs = SpecialistFactory(name="Theirs")
    client.force_login(mine.owner)

    client.post("/profile/", form_post(taxonomy, name="Renamed", specialist=theirs.pk))

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.name == "Renamed"
    assert theirs.name == "Theirs"


def test_an_invalid_form_answers_400_with_messages_and_saves_nothing(client, taxonomy):
    client.force_login(UserFactory())

    response = client.post(
        "/profile/", form_post(taxonomy, name="", years_experience="500", video_url="not a url")
    )

    assert response.status_code == 400
    assert b"This field is required." in response.content
    assert not Specialist.objects.exists()


def test_a_gif_renamed_jpg_is_refused_with_a_clear_message(client, taxonomy):
    client.force_login(UserFactory())
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300)).save(buffer, format="GIF")
    gif = SimpleUploadedFile("me.jpg", buffer.getvalue(), content_type="image/jpeg")

    response = client.post("/profile/", {**form_post(taxonomy), "photo_upload": gif})

    assert response.status_code == 400
    assert b"Please upload a JPEG, PNG or WebP photo." in response.content
    assert not Specialist.objects.exists()


def test_the_owner_submits_for_review_and_a_visitor_cannot(client, taxonomy):
    specialist = profiles.create_profile(owner=UserFactory(), data=profile_data(taxonomy))

    assert client.post("/profile/submit/").status_code == 403
    client.force_login(specialist.owner)
    response = client.post("/profile/submit/", follow=True)

    specialist.refresh_from_db()
    assert specialist.status == Specialist.Status.PENDING
    assert b"waiting for review" in response.content


def test_submitting_without_a_profile_is_a_404(client):
    client.force_login(UserFactory())

    assert client.post("/profile/submit/").status_code == 404


def test_submitting_an_incomplete_profile_explains_what_is_missing(client, taxonomy):
    specialist = profiles.create_profile(
        owner=UserFactory(), data=profile_data(taxonomy, languages=[])
    )
    client.force_login(specialist.owner)

    response = client.post("/profile/submit/", follow=True)

    assert b"at least one language" in response.content
    specialist.refresh_from_db()
    assert specialist.status == Specialist.Status.DRAFT


def test_the_owner_previews_a_draft_that_the_public_cannot_see(
    client, taxonomy, without_other_sections
):
    specialist = profiles.create_profile(owner=UserFactory(), data=profile_data(taxonomy))

    assert client.get(specialist.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get("/profile/preview/").status_code == 404
    client.force_login(specialist.owner)
    response = client.get("/profile/preview/")

    assert response.status_code == 200
    assert b"Preview" in response.content
    assert b"Leanne Sawchuk" in response.content
    assert b'name="robots" content="noindex"' in response.content


def test_logging_in_with_a_password_reaches_the_editor(client):
    user = UserFactory(email="editor@example.com")

    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})

    assert b"Create my profile" in client.get("/profile/").content


def test_a_public_profile_is_read_with_its_lists_as_the_orm_reads_them(
    make_specialist, taxonomy, django_assert_num_queries
):
    made = make_specialist(
        slug="ada",
        license_verified_at=timezone.now(),
        specialties=[taxonomy["trauma"], taxonomy["anxiety"]],
        languages=[taxonomy["french"]],
    )
    profiles.set_licensed_areas(specialist=made, areas=["CA-ON", "GB"])
    make_specialist(slug="hidden", status=Specialist.Status.DRAFT)

    with django_assert_num_queries(1):
        specialist, lists = profiles.public_profile(slug="ada")
    expected = Specialist.objects.get(slug="ada")

    for field in Specialist._meta.concrete_fields:
        if field.name not in profiles.UNREAD:
            assert getattr(specialist, field.attname) == getattr(expected, field.attname), field
    assert specialist.get_deferred_fields() == set(profiles.UNREAD)
    assert lists == profiles.lists_for(specialist_id=made.pk)
    assert lists.specialties == ["Anxiety", "Trauma"] and lists.languages == ["French"]
    assert len(lists.licensed_in) == 2
    assert profiles.public_profile(slug="hidden") is None
    assert profiles.public_profile(slug="nobody") is None
