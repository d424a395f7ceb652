"""On PostgreSQL, no two active consultations of one specialist may overlap in time.

Kept out of the model state on purpose: SQLite cannot hold an exclusion constraint and
rebuilds tables from the model state, so the constraint exists only where it can.
SQLite relies on `consultation_one_per_slot` plus the overlap check that
bookings.booking runs inside its IMMEDIATE transaction.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings_consultation ADD CONSTRAINT consultation_no_overlap
    EXCLUDE USING gist (specialist_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status <> 'cancelled');
"""
DROP = "ALTER TABLE bookings_consultation DROP CONSTRAINT IF EXISTS consultation_no_overlap;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
