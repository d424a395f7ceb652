"""What queries written out by hand need that PostgreSQL and SQLite say differently.

Reports that sum by week or rank delays write their SQL out (the ORM spent longer building
them than the database answering); these few expressions are the only part that differs
between the two databases, so they are made here and nowhere else. Every argument is a
column name from our own code, never input.
"""

from datetime import date

from django.db import connection


def monday(column: str, *, moment: bool = True) -> str:
    """The Monday (a date) of the week (UTC) holding `column`: a moment, or a date."""
    if connection.vendor == "postgresql":
        # A moment in UTC, or a date as a time without zone: no zone to convert per row.
        value = f"{column} AT TIME ZONE 'UTC'" if moment else f"CAST({column} AS timestamp)"
        return f"CAST(date_trunc('week', {value}) AS date)"
    return f"date({column}, '-6 days', 'weekday 1')"  # back six days, then on to a Monday


def seconds_between(later: str, earlier: str) -> str:
    """The seconds from one moment to another (NULL when either is)."""
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
    return f"(julianday({later}) - julianday({earlier})) * 86400"


def as_date(value: date | str) -> date:
    """A date read by a written-out query (SQLite gives text)."""
    return date.fromisoformat(value) if isinstance(value, str) else value
