from django.db import migrations


def rekey(apps, schema_editor):
    """Imported articles were keyed by their title's slug, so a second text with the same title
    overwrote the first. They are keyed by what they hold now; importing the same text again
    still finds them."""
    from content.importing import content_key

    Article = apps.get_model("content", "Article")
    for article in Article.objects.exclude(import_key="").prefetch_related("references"):
        article.import_key = content_key(
            title=article.title,
            summary=article.summary,
            body=article.body,
            references=[r.text for r in sorted(article.references.all(), key=lambda r: r.position)],
        )
        article.save(update_fields=["import_key"])


class Migration(migrations.Migration):
    dependencies = [("content", "0003_evidence_and_hidden_links")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
