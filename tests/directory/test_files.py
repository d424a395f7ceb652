import os
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from directory import files, profiles
from directory.models import Specialist
from privacy import erasure
from tests.directory.test_profiles import form_post, jpeg_upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _on_disk(settings) -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def _save_with_photo(client, taxonomy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/profile/", {**form_post(taxonomy), "photo_upload": jpeg_upload()})
    assert response.status_code == 302


def test_a_photo_gets_a_name_nobody_can_guess(client, taxonomy, django_capture_on_commit_callbacks):
    client.force_login(UserFactory())

    _save_with_photo(client, taxonomy, django_capture_on_commit_callbacks)

    specialist = Specialist.objects.get()
    name = Path(specialist.photo.name).name
    assert name not in ("photo.jpg", f"{specialist.slug}.jpg")
    assert len(name) >= 24 + len(".jpg")
    assert Path(specialist.photo_thumbnail.name).name == name.replace(".jpg", "-card.jpg")


def test_a_replaced_photo_is_deleted_once_the_save_commits(
    client, taxonomy, settings, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory())
    _save_with_photo(client, taxonomy, django_capture_on_commit_callbacks)
    first = _on_disk(settings)

    _save_with_photo(client, taxonomy, django_capture_on_commit_callbacks)

    specialist = Specialist.objects.get()
    assert _on_disk(settings) == {specialist.photo.name, specialist.photo_thumbnail.name}
    assert not first & _on_disk(settings)


def test_a_save_that_rolls_back_keeps_the_old_photo(
    taxonomy, settings, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from directory import photos
    from tests.directory.test_profiles import profile_data

    upload = jpeg_upload()
    photo = photos.process(upload=upload, size=upload.size)
    specialist = profiles.create_profile(
        owner=UserFactory(), data=profile_data(taxonomy), photo=photo
    )
    kept = {specialist.photo.name, specialist.photo_thumbnail.name}
    upload = jpeg_upload()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        profiles.update_profile(
            specialist=specialist, data={}, photo=photos.process(upload=upload, size=upload.size)
        )
        raise RuntimeError("the save fails after the new photo was written")

    assert callbacks == []
    assert kept <= _on_disk(settings)
    specialist.refresh_from_db()
    assert {specialist.photo.name, specialist.photo_thumbnail.name} == kept


def test_erasure_leaves_no_file_of_the_account(
    client, taxonomy, settings, django_capture_on_commit_callbacks
):
    user = UserFactory()
    client.force_login(user)
    for _ in range(3):
        _save_with_photo(client, taxonomy, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase_account(user=user, now=timezone.now())

    assert _on_disk(settings) == set()


def test_a_file_shared_with_another_row_is_kept(settings, django_capture_on_commit_callbacks):
    name = default_storage.save("specialists/demo-00.jpg", ContentFile(b"jpeg"))
    from tests.factories import SpecialistFactory

    SpecialistFactory(photo=name)

    with django_capture_on_commit_callbacks(execute=True):
        files.delete_on_commit(storage=default_storage, names=[name])

    assert default_storage.exists(name)


def _aged(name: str, *, days: int) -> None:
    path = default_storage.path(name)
    moment = time.time() - days * 86400
    os.utime(path, (moment, moment))


def test_the_sweep_removes_only_old_files_no_row_points_at(settings, capsys):
    from tests.factories import SpecialistFactory

    used = default_storage.save("specialists/used.jpg", ContentFile(b"jpeg"))
    SpecialistFactory(photo=used)
    orphan = default_storage.save("specialists/photo.jpg", ContentFile(b"jpeg"))
    fresh = default_storage.save("specialists/just-uploaded.jpg", ContentFile(b"jpeg"))
    for name in (used, orphan):
        _aged(name, days=3)

    call_command("remove_orphan_files", "--dry-run")

    assert orphan in capsys.readouterr().out
    assert default_storage.exists(orphan)

    removed = files.remove_orphans(now=timezone.now())

    assert removed == [orphan]
    assert not default_storage.exists(orphan)
    assert default_storage.exists(used) and default_storage.exists(fresh)


def test_the_sweep_runs_once_a_week_from_beat(settings):
    from directory import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["directory-remove-orphan-files"]
    orphan = default_storage.save("specialists/photo.jpg", ContentFile(b"jpeg"))
    _aged(orphan, days=3)

    assert entry["task"] == tasks.remove_orphan_files.name
    assert len(entry["schedule"].day_of_week) == 1
    assert tasks.remove_orphan_files() == 1


def test_the_sweep_on_an_empty_store_finds_nothing():
    assert files.find_orphans(now=timezone.now()) == []
