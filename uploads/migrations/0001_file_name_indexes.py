"""Indexes on the file names of Wagtail's images and renditions: the upload gate finds the
owner of every requested file by its name (`uploads.access.image_file_for_viewer`)."""

from django.db import migrations

TABLES = {"uploads_image_file_idx": "Image", "uploads_rendition_file_idx": "Rendition"}


def create_indexes(apps, schema_editor):
    quote = schema_editor.quote_name
    for index, model_name in TABLES.items():
        table = apps.get_model("wagtailimages", model_name)._meta.db_table
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(index)} ON {quote(table)} ({quote('file')})"
        )


def drop_indexes(apps, schema_editor):
    for index in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index)}")


class Migration(migrations.Migration):
    dependencies = [("wagtailimages", "0027_image_description")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
