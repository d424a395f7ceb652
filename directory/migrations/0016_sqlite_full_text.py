"""SQLite (the embedded default) gets a full-text index of the profiles' words, kept current
by triggers, so the demo stays fast with thousands of specialists. Nothing on PostgreSQL,
whose search vector is in the table itself, or where SQLite lacks FTS5."""

from django.db import OperationalError, migrations

TABLE = "directory_specialist_fts"
CREATE = [
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
    "search_document, tokenize = 'porter unicode61 remove_diacritics 2')",
    f"INSERT INTO {TABLE} (rowid, search_document) "
    "SELECT id, search_document FROM directory_specialist",
    f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON directory_specialist BEGIN "
    f"INSERT INTO {TABLE} (rowid, search_document) VALUES (new.id, new.search_document); END",
    f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF search_document ON directory_specialist "
    f"BEGIN DELETE FROM {TABLE} WHERE rowid = old.id; "
    f"INSERT INTO {TABLE} (rowid, search_document) VALUES (new.id, new.search_document); END",
    f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON directory_specialist BEGIN "
    f"DELETE FROM {TABLE} WHERE rowid = old.id; END",
]
DROP = [
    *(f"DROP TRIGGER IF EXISTS {TABLE}_{event}" for event in ("insert", "update", "delete")),
    f"DROP TABLE IF EXISTS {TABLE}",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            cursor.execute("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(word)")
        except OperationalError:
            return  # built without FTS5: search reads the words with LIKE instead
        cursor.execute("DROP TABLE temp.fts5_probe")
        for statement in CREATE:
            cursor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            for statement in DROP:
                cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("directory", "0015_licensed_areas_and_coordinates")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
