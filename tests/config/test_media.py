"""Profile photos: served from local disk by the site itself unless a bucket is set."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.config.test_settings import run_python

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def test_an_uploaded_photo_is_served_with_debug_off_and_cached(client, settings):
    assert settings.DEBUG is False
    name = default_storage.save("specialists/photo.jpg", ContentFile(JPEG))

    response = client.get(default_storage.url(name))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == JPEG
    assert response["Content-Type"] == "image/jpeg"
    assert "max-age=604800" in response["Cache-Control"]


def test_nothing_outside_the_media_folder_and_nothing_missing_is_served(client):
    assert client.get("/media/../config/settings.py").status_code == 400
    assert client.get("/media/%2e%2e/config/settings.py").status_code == 400
    assert client.get("/media/specialists/none.jpg").status_code == 404
    assert client.get("/media/specialists/" + "x" * 3000 + ".jpg").status_code == 404
    assert client.post("/media/specialists/none.jpg").status_code == 405


BUCKET_PROBE = """
import django
django.setup()
from django.core.files.storage import storages
from django.urls import Resolver404, resolve
storage = storages["default"]
print(type(storage).__name__, storage.url("specialists/photo.jpg"))
try:
    resolve("/media/specialists/photo.jpg")
    print("served-here")
except Resolver404:
    print("not-served-here")
from csp.utils import build_policy
policy = build_policy()
print(next(part for part in policy.split("; ") if part.startswith("img-src")).replace(" ", "|"))
"""


def test_a_bucket_moves_uploads_to_object_storage_with_signed_urls():
    result = run_python(
        BUCKET_PROBE,
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="True",
        DJANGO_MEDIA_BUCKET="first-step-photos",
        DJANGO_MEDIA_ENDPOINT_URL="https://objects.example.com",
        AWS_ACCESS_KEY_ID="an-access-key",
        AWS_SECRET_ACCESS_KEY="a-secret-key",
    )

    assert result.returncode == 0, result.stderr
    backend, url, served_locally, images = result.stdout.split()
    assert backend == "S3Storage"
    assert url.startswith("https://objects.example.com/first-step-photos/media/specialists/")
    assert "Signature=" in url
    assert served_locally == "not-served-here"
    assert images == "img-src|'self'|data:|https://objects.example.com"
