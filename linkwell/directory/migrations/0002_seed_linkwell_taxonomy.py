"""Seed Linkwell's own taxonomies (five ways to wellbeing, categories, needs) as shared terms."""

from django.db import migrations


def seed(apps, schema_editor):
    from linkwell.directory.vocabulary import VOCABULARIES

    Taxonomy = apps.get_model("directory", "Taxonomy")
    TaxonomyTerm = apps.get_model("directory", "TaxonomyTerm")
    for vocabulary in VOCABULARIES:
        taxonomy, _ = Taxonomy.objects.update_or_create(
            scheme=None,
            hsds_id=vocabulary.hsds_id,
            defaults={
                "name": vocabulary.name,
                "description": vocabulary.description,
                "uri": vocabulary.uri,
                "version": "1",
            },
        )
        for term in vocabulary.terms:
            TaxonomyTerm.objects.update_or_create(
                scheme=None,
                hsds_id=vocabulary.term_hsds_id(term.code),
                defaults={
                    "taxonomy": taxonomy,
                    "code": term.code,
                    "name": term.name,
                    "description": term.description,
                    "term_uri": vocabulary.term_uri(term.code),
                    "kind": vocabulary.kind,
                    "language": "en",
                },
            )


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
