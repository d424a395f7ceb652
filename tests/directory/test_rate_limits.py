import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_a_spoofed_x_forwarded_for_does_not_dodge_the_log_in_limit(client):
    UserFactory(email="target@example.com")
    answers = [
        client.post(
            reverse("account_login"),
            {"login": "target@example.com", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        )
        for attempt in range(11)
    ]

    assert b"Too many failed attempts to log in" in answers[-1].content
    right = client.post(
        reverse("account_login"),
        {"login": "target@example.com", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert right.status_code == 400


def test_the_limit_is_per_address_so_another_account_is_not_locked_by_it(client):
    UserFactory(email="target@example.com")
    UserFactory(email="other@example.com")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "target@example.com", "password": "wrong"})

    other = client.post(
        reverse("account_login"), {"login": "other@example.com", "password": PASSWORD}
    )

    assert other.status_code == 302


def test_profile_saves_with_photos_are_limited_per_account_before_any_decoding(
    client, taxonomy, monkeypatch
):
    from directory import photos, profiles
    from directory.models import Specialist
    from tests.directory.test_profiles import form_post, jpeg_upload

    decoded = []
    real_process = photos.process
    monkeypatch.setattr(photos, "process", lambda **kw: decoded.append(1) or real_process(**kw))
    client.force_login(UserFactory())
    statuses = [
        client.post("/profile/", {**form_post(taxonomy), "photo_upload": jpeg_upload()}).status_code
        for _ in range(profiles.PHOTOS_PER_HOUR + 1)
    ]

    assert statuses[:-1] == [302] * profiles.PHOTOS_PER_HOUR
    refused = client.post("/profile/", {**form_post(taxonomy), "photo_upload": jpeg_upload()})
    assert statuses[-1] == refused.status_code == 429
    assert b"Please wait a while before saving again" in refused.content
    assert len(decoded) == profiles.PHOTOS_PER_HOUR
    assert Specialist.objects.count() == 1


def test_the_photo_limit_of_one_account_leaves_another_alone(client, taxonomy):
    from directory import profiles
    from tests.directory.test_profiles import form_post, jpeg_upload

    first, second = UserFactory(), UserFactory()
    for _ in range(profiles.PHOTOS_PER_HOUR):
        assert profiles.may_save(owner=first, with_photo=True)
    assert not profiles.may_save(owner=first, with_photo=True)

    client.force_login(second)
    response = client.post("/profile/", {**form_post(taxonomy), "photo_upload": jpeg_upload()})

    assert response.status_code == 302


def test_with_the_shared_cache_unreachable_a_limit_lets_people_through(monkeypatch):
    from django_redis.cache import RedisCache

    from directory import limits
    from tests.security.live import free_port

    unreachable = RedisCache(
        f"redis://127.0.0.1:{free_port()}/0",
        {"OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1}},
    )
    monkeypatch.setattr(limits, "cache", unreachable)

    assert limits.allow(scope="test", key=1, limit=1, window_seconds=60)
    assert limits.allow(scope="test", key=1, limit=1, window_seconds=60)
    assert limits.count(scope="test", key=1, window_seconds=60) == 0
