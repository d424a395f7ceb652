"""Everything the platform holds about one person, for the "Download my data" file.

What goes in:
- their account, e-mail addresses, log-in sessions, specialist profile and its booking rules;
- their consultations. A client's file has all of each consultation, their note, phone
  number and feedback included. A specialist's file has their schedule (times, mode,
  status, the client's name as their pages show it, their own cancellation reasons) but
  not what clients told them: a note, phone number or feedback is that client's data,
  shared with the specialist for one consultation, and a portable copy would put it out
  of reach of the client's own erasure;
- their conversations: correspondence belongs to both correspondents, so each side's file
  holds every delivered message of their conversations, and their own held ones;
- their questions, answers, articles, blocks, reports and messages to staff.
Secrets (the calendar feed token, password hash) stay out.
"""

from datetime import datetime
from typing import Any

from directory.models import User
from privacy.contract import APPS

FORMAT_VERSION = 1

Row = dict[str, Any]


def export_for(*, user: User, now: datetime) -> Row:
    """What the platform holds about `user` (see the module docstring), JSON-ready with
    DjangoJSONEncoder: each app's part. Reads only; a fixed number of queries whatever the
    person holds."""
    data: Row = {"format_version": FORMAT_VERSION, "exported_at": now}
    for app in APPS:
        _merge(data, app.export_user_data(user=user))
    return data


def _merge(data: Row, part: Row) -> None:
    """Add an app's sections; a section two apps share (the specialist profile and its
    booking rules) gets both apps' fields."""
    for key, value in part.items():
        if isinstance(data.get(key), dict) and isinstance(value, dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
