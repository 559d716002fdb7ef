from django.db import migrations, models


def remember_imported_text(apps, schema_editor):
    """Paragraphs imported before this field existed: take their current text as the imported one."""
    Paragraph = apps.get_model("briefings", "Paragraph")
    Paragraph.objects.filter(imported_text="").update(imported_text=models.F("text"))


class Migration(migrations.Migration):
    dependencies = [("briefings", "0002_roles")]

    operations = [
        migrations.AddField(
            model_name="historicalparagraph",
            name="imported_text",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="The text as the importer last wrote it; a difference means an editor corrected it.",
                verbose_name="text as imported",
            ),
        ),
        migrations.AddField(
            model_name="paragraph",
            name="imported_text",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="The text as the importer last wrote it; a difference means an editor corrected it.",
                verbose_name="text as imported",
            ),
        ),
        migrations.RunPython(remember_imported_text, migrations.RunPython.noop),
    ]
