from django.db import migrations
from django.utils.text import slugify


def load(apps, schema_editor):
    from directory import taxonomy

    for model_name, names in (
        ("Specialty", taxonomy.SPECIALTIES),
        ("Approach", taxonomy.APPROACHES),
        ("Language", taxonomy.LANGUAGES),
    ):
        model = apps.get_model("directory", model_name)
        for name in names:
            slug = slugify(name.replace("+", " plus"))
            model.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
