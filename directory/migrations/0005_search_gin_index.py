"""The full-text index, on PostgreSQL only (SQLite searches with LIKE instead)."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS specialist_search_vector_gin "
    "ON directory_specialist USING gin (search_vector)"
)
DROP = "DROP INDEX IF EXISTS specialist_search_vector_gin"
# The same weighting as directory.search.VECTOR, for profiles that existed before.
BACKFILL = """
UPDATE directory_specialist SET search_vector =
    setweight(to_tsvector('english'::regconfig, COALESCE(name, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE(titles, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, COALESCE(search_document, '')), 'C')
"""


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKFILL)
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("directory", "0004_profiles_search_promotions"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
