"""pg_trgm, for "did you mean" on PostgreSQL (directory.understanding); nothing on SQLite."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("directory", "0009_filters_people_expect")]

    operations = [TrigramExtension()]
