from django.db import migrations, models
from django.db.models import F, Q


def due_when_created(apps, schema_editor):
    apps.get_model("bookings", "Notice").objects.update(due_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0004_busy_time"),
    ]

    operations = [
        migrations.AddField(
            model_name="notice",
            name="due_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(due_when_created, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="notice",
            name="due_at",
            field=models.DateTimeField(),
        ),
        migrations.RemoveIndex(
            model_name="notice",
            name="notice_unsent",
        ),
        migrations.AddIndex(
            model_name="notice",
            index=models.Index(
                condition=Q(("sent_at", None)), fields=["due_at"], name="notice_unsent_due"
            ),
        ),
    ]
