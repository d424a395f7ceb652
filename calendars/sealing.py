"""Secrets at rest: calendar addresses and CalDAV credentials, sealed with AES-256-GCM.

The key is CALENDARS_SECRET_KEY (32 bytes, URL-safe base64) from settings. A sealed value
is "v1:" + base64(nonce + ciphertext + tag); `purpose` is bound in as associated data, so
a sealed password cannot be passed off as a sealed address.
"""

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

VERSION = "v1:"
NONCE_BYTES = 12


class UnsealError(Exception):
    """A sealed value is damaged or was sealed with another key."""


def _key() -> bytes:
    return base64.urlsafe_b64decode(settings.CALENDARS_SECRET_KEY)


def seal(plain: str, *, purpose: str) -> str:
    """Encrypt `plain`; a fresh random nonce each time."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_key()).encrypt(nonce, plain.encode(), purpose.encode())
    return VERSION + base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(sealed: str, *, purpose: str) -> str:
    """The plain text of `seal(...)`; raises UnsealError when it does not authenticate."""
    if not sealed.startswith(VERSION):
        raise UnsealError("unknown format")
    try:
        raw = base64.urlsafe_b64decode(sealed.removeprefix(VERSION))
        nonce, body = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        return AESGCM(_key()).decrypt(nonce, body, purpose.encode()).decode()
    except (InvalidTag, ValueError) as error:
        raise UnsealError("cannot be opened with this key") from error
