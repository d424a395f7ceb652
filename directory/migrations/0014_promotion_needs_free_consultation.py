"""Only specialists who offer a free consultation can be promoted: a trigger, because a
CHECK constraint cannot read another table. directory.promotions.check explains the rule
first; this makes it hold for any write, the admin's, a shell's or a race's."""

from django.db import migrations

MESSAGE = "only specialists who offer a free consultation can be promoted"

POSTGRESQL = f"""
CREATE FUNCTION directory_promotion_needs_free_consultation() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM directory_specialist
        WHERE id = NEW.specialist_id AND offers_free_consultation
    ) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER promotion_needs_free_consultation
    BEFORE INSERT OR UPDATE OF specialist_id, starts_on, ends_on ON directory_promotion
    FOR EACH ROW EXECUTE FUNCTION directory_promotion_needs_free_consultation();
"""
POSTGRESQL_REVERSE = """
DROP TRIGGER promotion_needs_free_consultation ON directory_promotion;
DROP FUNCTION directory_promotion_needs_free_consultation();
"""


def sqlite(event: str) -> str:
    return f"""
CREATE TRIGGER promotion_needs_free_consultation_{event.split()[0].lower()}
BEFORE {event} ON directory_promotion
WHEN NOT EXISTS (
    SELECT 1 FROM directory_specialist
    WHERE id = NEW.specialist_id AND offers_free_consultation
)
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END;
"""


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(sqlite("INSERT"))
        schema_editor.execute(sqlite("UPDATE OF specialist_id, starts_on, ends_on"))


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_REVERSE)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER promotion_needs_free_consultation_insert;")
        schema_editor.execute("DROP TRIGGER promotion_needs_free_consultation_update;")


class Migration(migrations.Migration):
    dependencies = [("directory", "0013_approaches_plural")]

    operations = [migrations.RunPython(create, drop)]
