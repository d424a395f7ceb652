from django.db import migrations

# Specialties people search for that the first list lacked, and two clearer names (the slugs
# stay, so saved searches and links keep working).
ADDED = {
    "sleep-and-insomnia": "Sleep and insomnia",
    "bipolar-disorder": "Bipolar disorder",
    "parenting-and-family": "Parenting and family",
    "anger": "Anger",
    "perinatal-and-postpartum": "Perinatal and postpartum",
    "loneliness": "Loneliness",
    "life-transitions": "Life transitions",
    "chronic-illness-and-pain": "Chronic illness and pain",
    "work-stress-and-burnout": "Work stress and burnout",
}
RENAMED = {
    "grief": ("Grief", "Grief and loss"),
    "lgbtq-plus-issues": ("LGBTQ+ issues", "LGBTQ+ affirming care"),
}


def forward(apps, schema_editor):
    Specialty = apps.get_model("directory", "Specialty")
    for slug, name in ADDED.items():
        Specialty.objects.get_or_create(slug=slug, defaults={"name": name})
    for slug, (_old, new) in RENAMED.items():
        Specialty.objects.filter(slug=slug).update(name=new)


def backward(apps, schema_editor):
    Specialty = apps.get_model("directory", "Specialty")
    for slug, (old, _new) in RENAMED.items():
        Specialty.objects.filter(slug=slug).update(name=old)
    # Added entries stay: profiles and articles may use them by now.


class Migration(migrations.Migration):
    dependencies = [("directory", "0007_specialist_no_default_ordering")]

    operations = [migrations.RunPython(forward, backward)]
