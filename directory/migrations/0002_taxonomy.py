from django.db import migrations
from django.utils.text import slugify

# The lists as they first shipped; later changes are migrations of their own (0008).
SPECIALTIES = [
    "Anxiety", "Depression", "Trauma", "Addictions", "Eating disorders", "Body image",
    "Relationship issues", "Couples", "Grief", "Stress", "Self-esteem", "OCD", "ADHD",
    "LGBTQ+ issues", "Family conflict",
]  # fmt: skip
APPROACHES = [
    "CBT", "EFT", "Psychodynamic", "Art therapy", "Mindfulness-based", "DBT", "ACT", "EMDR",
    "Person-centred", "Solution-focused", "Narrative therapy", "Gottman method",
]  # fmt: skip
LANGUAGES = [
    "English", "French", "Spanish", "German", "Portuguese", "Italian", "Polish", "Ukrainian",
    "Mandarin", "Cantonese", "Hindi", "Punjabi", "Arabic", "Tagalog",
]  # fmt: skip


def load(apps, schema_editor):
    for model_name, names in (
        ("Specialty", SPECIALTIES),
        ("Approach", APPROACHES),
        ("Language", LANGUAGES),
    ):
        model = apps.get_model("directory", model_name)
        for name in names:
            slug = slugify(name.replace("+", " plus"))
            model.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
