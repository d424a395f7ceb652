"""One JSON object per log line, so production logs can be searched by id.

Messages must carry ids and neutral words only (STYLE.md): this formatter adds nothing
from the request, and never the form data. Paths that reach a log anyway (Django's "Not
Found: /…", gunicorn's access log) lose their secret parts and control characters here,
so logs are safe to keep and cannot be forged by a crafted URL.
"""

import json
import logging
import re
import unicodedata
from datetime import UTC, datetime

REDACTED = "[redacted]"
# Every URL that carries a secret; add yours here when a new one appears.
_SECRET_PARTS = [
    re.compile(r"(?<=/calendar/)[^/?#\s]+(?=\.ics)"),  # a specialist's private feed
    re.compile(r"(?<=/confirm-email/)[^/?#\s]+"),  # e-mail confirmation keys
    re.compile(r"(?<=/password/reset/key/)[^/?#\s]+"),  # password reset keys
    re.compile(
        r"(?<=[?&;])(?:token|key|code|signature|secret|password|sig)=[^&;#\s]*", re.IGNORECASE
    ),
]
# Control characters (ESC, CR, LF), bidi and other invisible format characters, line breaks.
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}


def _param_name(match: re.Match[str]) -> str:
    text = match.group(0)
    return f"{text.split('=', 1)[0]}={REDACTED}" if "=" in text else REDACTED


def redact(text: str) -> str:
    """`text` with every secret URL part replaced by a mark and control characters escaped
    (`\\x1b`, `\\u202e`), so one log line stays one line and shows what was sent."""
    for pattern in _SECRET_PARTS:
        text = pattern.sub(_param_name, text)
    if text.isprintable():
        return text
    return "".join(_escaped(char) for char in text)


def _escaped(char: str) -> str:
    if unicodedata.category(char) not in _UNSAFE_CATEGORIES:
        return char
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


class RedactSecrets(logging.Filter):
    """Applies `redact` to every record's message and string extras, whoever logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        for key, value in vars(record).items():
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, redact(value))
        return True


# Attributes every LogRecord has; anything else was passed with `extra=` and is kept.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry |= {
            key: value
            for key, value in vars(record).items()
            if key not in _STANDARD and isinstance(value, str | int | float | bool | None)
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
