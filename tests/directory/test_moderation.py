from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from directory import moderation
from directory.models import Specialist
from tests.factories import SpecialistFactory, UserFactory
from tests.outbox.conftest import send_outbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def pending():
    return SpecialistFactory(
        status=Specialist.Status.PENDING, owner__email="owner@example.com", name="Pat Doe"
    )


def test_approving_publishes_and_emails_the_owner_after_commit(admin_user, pending):
    moderation.approve(specialist=pending, moderator=admin_user)

    assert mail.outbox == []  # written to the outbox with the decision, sent by its sweep
    assert pending.status == Specialist.Status.PUBLISHED
    assert pending.reviewed_by == admin_user
    assert Specialist.objects.listed().filter(pk=pending.pk).exists()
    assert send_outbox() == 1
    assert send_outbox() == 0
    (message,) = mail.outbox
    assert message.to == ["owner@example.com"]
    assert message.subject == "[First Step] Your profile is published"
    assert pending.get_absolute_url() in message.body


def test_rejecting_needs_a_reason_and_emails_it(admin_user, pending):
    with pytest.raises(moderation.ModerationError):
        moderation.reject(specialist=pending, moderator=admin_user, reason="   ")
    assert send_outbox() == 0

    moderation.reject(
        specialist=pending, moderator=admin_user, reason="Please add your licensing body."
    )
    assert send_outbox() == 1

    assert pending.status == Specialist.Status.REJECTED
    assert pending.rejection_reason == "Please add your licensing body."
    (message,) = mail.outbox
    assert message.subject == "[First Step] Your profile needs a few changes"
    assert "Please add your licensing body." in message.body
    assert "licensing" not in message.subject


@pytest.mark.parametrize("status", ["draft", "published"])
def test_only_pending_profiles_can_be_decided(admin_user, status):
    specialist = SpecialistFactory(status=status)

    with pytest.raises(moderation.ModerationError):
        moderation.approve(specialist=specialist, moderator=admin_user)
    with pytest.raises(moderation.ModerationError):
        moderation.reject(specialist=specialist, moderator=admin_user, reason="No")


def test_the_email_tells_the_current_decision_not_the_queued_one(admin_user, pending):
    from directory import emails

    moderation.approve(specialist=pending, moderator=admin_user)
    Specialist.objects.filter(pk=pending.pk).update(status=Specialist.Status.DRAFT)

    assert emails.send_profile_decision(specialist_id=pending.pk) is False
    send_outbox()
    assert mail.outbox == []


def test_verifying_a_license_records_the_date(admin_user):
    specialist = SpecialistFactory(license_number="RP-1")

    moderation.verify_license(specialist=specialist, moderator=admin_user)

    assert specialist.license_verified_at is not None
    with pytest.raises(moderation.ModerationError):
        moderation.verify_license(specialist=SpecialistFactory(), moderator=admin_user)


# The admin


def test_the_moderation_queue_lists_pending_profiles(client, admin_user, pending):
    SpecialistFactory(name="Already Live")
    client.force_login(admin_user)

    response = client.get("/admin/directory/specialist/?review=queue")

    assert response.status_code == 200
    assert b"Pat Doe" in response.content
    assert b"Already Live" not in response.content


def test_the_queue_shows_how_long_each_profile_has_waited(client, admin_user):
    SpecialistFactory(
        status=Specialist.Status.PENDING,
        name="Waiting Three Days",
        submitted_at=timezone.now() - timedelta(days=3, hours=2),
    )
    client.force_login(admin_user)

    response = client.get("/admin/directory/specialist/?review=queue")

    assert "3\xa0days, 2\xa0hours" in response.content.decode()  # timesince's own spaces


def test_an_admin_approves_from_the_queue(client, admin_user, pending):
    client.force_login(admin_user)

    client.post(
        "/admin/directory/specialist/",
        {"action": "approve_profiles", "_selected_action": [pending.pk]},
    )

    pending.refresh_from_db()
    assert pending.status == Specialist.Status.PUBLISHED


def test_an_admin_rejects_with_a_reason_on_a_second_page(client, admin_user, pending):
    client.force_login(admin_user)
    url = "/admin/directory/specialist/"

    form_page = client.post(url, {"action": "reject_profiles", "_selected_action": [pending.pk]})
    assert b"What should the specialist change?" in form_page.content
    pending.refresh_from_db()
    assert pending.status == Specialist.Status.PENDING

    client.post(
        url,
        {
            "action": "reject_profiles",
            "_selected_action": [pending.pk],
            "apply": "1",
            "reason": "Your photo is missing.",
        },
    )

    pending.refresh_from_db()
    assert pending.status == Specialist.Status.REJECTED
    assert pending.rejection_reason == "Your photo is missing."


def test_the_admin_cannot_edit_the_status_directly(client, admin_user, pending):
    client.force_login(admin_user)

    response = client.get(f"/admin/directory/specialist/{pending.pk}/change/")

    assert response.status_code == 200
    assert b'name="status"' not in response.content


def test_people_who_are_not_staff_cannot_moderate(client, pending):
    client.force_login(UserFactory())

    client.post(
        "/admin/directory/specialist/",
        {"action": "approve_profiles", "_selected_action": [pending.pk]},
    )

    pending.refresh_from_db()
    assert pending.status == Specialist.Status.PENDING


def test_a_photo_set_in_the_admin_is_checked_and_resized_too(client, admin_user, pending):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    client.force_login(admin_user)
    url = f"/admin/directory/specialist/{pending.pk}/change/"
    page = client.get(url)
    data = {
        field.html_name: field.value() if field.value() is not None else ""
        for field in page.context["adminform"].form
        if field.name != "photo"
    }
    data.update(
        specialties=[],
        approaches=[],
        languages=[],
        offers_free_consultation="on",
        offers_online="on",
    )
    gif = io.BytesIO()
    Image.new("RGB", (300, 300)).save(gif, format="GIF")

    refused = client.post(url, {**data, "photo": SimpleUploadedFile("a.jpg", gif.getvalue())})
    assert b"Please upload a JPEG, PNG or WebP photo." in refused.content

    jpeg = io.BytesIO()
    Image.new("RGB", (500, 400), "white").save(jpeg, format="JPEG")
    client.post(url, {**data, "photo": SimpleUploadedFile("a.jpg", jpeg.getvalue())})

    pending.refresh_from_db()
    with Image.open(pending.photo_thumbnail.path) as card:
        assert card.size == (192, 192)
