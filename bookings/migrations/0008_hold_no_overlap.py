"""A live hold never overlaps another live hold of the specialist, nor an active consultation.

Kept out of the model state, like 0002: an exclusion constraint between live holds on
PostgreSQL, and triggers on both tables (a constraint cannot read another table). On
PostgreSQL each trigger first takes the specialist's row lock, the first lock of every
booking, so two writers cannot both pass the check; SQLite has one writer at a time.
"""

from django.db import migrations

OVERLAPS = "{alias}.specialist_id = NEW.specialist_id AND {alias}.starts_at < NEW.ends_at AND {alias}.ends_at > NEW.starts_at"
ACTIVE_CONSULTATION = (
    "SELECT 1 FROM bookings_consultation c WHERE c.status <> 'cancelled' AND "
    + OVERLAPS.format(alias="c")
)
LIVE_HOLD = "SELECT 1 FROM bookings_hold h WHERE h.status = 'held' AND " + OVERLAPS.format(
    alias="h"
)
HOLD_MESSAGE = "hold_no_overlap: a live hold overlaps an active consultation"
CONSULTATION_MESSAGE = "hold_no_overlap: an active consultation overlaps a live hold"

POSTGRESQL = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings_hold ADD CONSTRAINT hold_no_overlap
    EXCLUDE USING gist (specialist_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status = 'held');

CREATE FUNCTION bookings_hold_clear_of_consultations() RETURNS trigger AS $$
BEGIN
    PERFORM 1 FROM directory_specialist WHERE id = NEW.specialist_id FOR UPDATE;
    IF EXISTS ({ACTIVE_CONSULTATION}) THEN
        RAISE EXCEPTION '{HOLD_MESSAGE}' USING ERRCODE = 'exclusion_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER hold_clear_of_consultations
    BEFORE INSERT OR UPDATE OF specialist_id, starts_at, ends_at, status ON bookings_hold
    FOR EACH ROW WHEN (NEW.status = 'held')
    EXECUTE FUNCTION bookings_hold_clear_of_consultations();

CREATE FUNCTION bookings_consultation_clear_of_holds() RETURNS trigger AS $$
BEGIN
    PERFORM 1 FROM directory_specialist WHERE id = NEW.specialist_id FOR UPDATE;
    IF EXISTS ({LIVE_HOLD}) THEN
        RAISE EXCEPTION '{CONSULTATION_MESSAGE}' USING ERRCODE = 'exclusion_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER consultation_clear_of_holds
    BEFORE INSERT OR UPDATE OF specialist_id, starts_at, ends_at, status ON bookings_consultation
    FOR EACH ROW WHEN (NEW.status <> 'cancelled')
    EXECUTE FUNCTION bookings_consultation_clear_of_holds();
"""
POSTGRESQL_REVERSE = """
DROP TRIGGER consultation_clear_of_holds ON bookings_consultation;
DROP FUNCTION bookings_consultation_clear_of_holds();
DROP TRIGGER hold_clear_of_consultations ON bookings_hold;
DROP FUNCTION bookings_hold_clear_of_consultations();
ALTER TABLE bookings_hold DROP CONSTRAINT IF EXISTS hold_no_overlap;
"""

COLUMNS = "UPDATE OF specialist_id, starts_at, ends_at, status"
SQLITE = {
    # (trigger, table, event, condition, message)
    "hold_clear_insert": ("bookings_hold", "INSERT", "NEW.status = 'held'", HOLD_MESSAGE),
    "hold_clear_update": ("bookings_hold", COLUMNS, "NEW.status = 'held'", HOLD_MESSAGE),
    "consultation_clear_insert": (
        "bookings_consultation",
        "INSERT",
        "NEW.status <> 'cancelled'",
        CONSULTATION_MESSAGE,
    ),
    "consultation_clear_update": (
        "bookings_consultation",
        COLUMNS,
        "NEW.status <> 'cancelled'",
        CONSULTATION_MESSAGE,
    ),
}


def _sqlite(name: str, table: str, event: str, condition: str, message: str) -> str:
    others = ACTIVE_CONSULTATION if table == "bookings_hold" else LIVE_HOLD
    if table == "bookings_hold":
        # No two live holds overlap either (PostgreSQL's exclusion constraint).
        others += f" UNION ALL {LIVE_HOLD} AND h.id IS NOT NEW.id"
    return f"""
CREATE TRIGGER {name} BEFORE {event} ON {table}
WHEN {condition} AND EXISTS ({others})
BEGIN
    SELECT RAISE(ABORT, '{message}');
END;
"""


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif schema_editor.connection.vendor == "sqlite":
        for name, parts in SQLITE.items():
            schema_editor.execute(_sqlite(name, *parts))


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_REVERSE)
    elif schema_editor.connection.vendor == "sqlite":
        for name in SQLITE:
            schema_editor.execute(f"DROP TRIGGER {name};")


class Migration(migrations.Migration):
    dependencies = [("bookings", "0007_waitlist")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
