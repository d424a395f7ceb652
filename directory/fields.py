"""Form fields for text other people will see, used by every app's forms.

Names and titles lose invisible characters that change how text displays: bidirectional
controls (U+202E can make "gnp.exe" read "exe.png") and other format characters (Unicode
category Cf, zero-width spaces among them), and control characters. Joiners U+200C and U+200D
stay: Persian, Indic scripts and emoji need them. Phone numbers must parse as one.
"""

import unicodedata
from typing import Any

import phonenumbers
from django import forms
from django.utils.translation import gettext_lazy as _

# Zero-width non-joiner and joiner: part of correct spelling in several scripts.
_KEPT_FORMAT_CHARACTERS = {"\u200c", "\u200d"}


def plain_line(value: str) -> str:
    """`value` without format and control characters, runs of spaces made one, trimmed."""
    kept = "".join(
        char
        for char in value
        if char in _KEPT_FORMAT_CHARACTERS
        or unicodedata.category(char) not in ("Cf", "Cc")
        or char.isspace()  # tabs and line breaks become one space below
    )
    return " ".join(kept.split())


class PlainLineField(forms.CharField):
    """A one-line name or title, as `plain_line` leaves it."""

    def to_python(self, value: Any) -> str:
        return plain_line(super().to_python(value) or "")


class PhoneField(forms.CharField):
    """A phone number with its country code, kept as the person typed it."""

    default_error_messages = {
        "invalid": _(
            "Please enter a phone number with its country code, for example +1 416 555 0100."
        ),
    }

    def to_python(self, value: Any) -> str:
        text = " ".join(str(super().to_python(value)).split())
        if not text:
            return ""
        if not set(text) <= set("0123456789+-(). "):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            number = phonenumbers.parse(text, None)
        except phonenumbers.NumberParseException:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not phonenumbers.is_valid_number(number):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return text
