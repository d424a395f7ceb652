import json
import logging

from config.logging import JsonFormatter


def record(message: str, **extra: object) -> logging.LogRecord:
    entry = logging.LogRecord("bookings", logging.INFO, __file__, 1, message, None, None)
    entry.__dict__.update(extra)
    return entry


def test_a_log_line_is_one_json_object_with_the_ids_passed_as_extra():
    line = JsonFormatter().format(record("consultation booked", consultation_id=42))

    data = json.loads(line)
    assert data["message"] == "consultation booked"
    assert data["consultation_id"] == 42
    assert data["level"] == "INFO"
    assert data["logger"] == "bookings"


def test_objects_passed_as_extra_are_left_out_rather_than_dumped():
    class Person:
        def __str__(self) -> str:
            return "Jane Doe, jane@example.com"

    line = JsonFormatter().format(record("sent", person=Person()))

    assert "jane@example.com" not in line
