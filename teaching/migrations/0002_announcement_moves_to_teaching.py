"""`Announcement` moves from `learning` to `teaching`, keeping its rows.

The model is first taken over in the migration state on its old table, the deliveries' foreign
key follows it, and only then is the table renamed: no row is copied, and on both databases
the foreign keys keep pointing at the same table. `learning` 0004 drops the old model from its
state afterwards.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("learning", "0002_initial"),
        ("teaching", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Announcement",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
                        ("body", models.TextField(verbose_name="message")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "author",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "run",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="announcements",
                                to="courses.courserun",
                            ),
                        ),
                    ],
                    options={"ordering": ["-created_at"], "db_table": "learning_announcement"},
                ),
                migrations.AlterField(
                    model_name="announcementdelivery",
                    name="announcement",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="teaching.announcement",
                    ),
                ),
            ],
        ),
        migrations.AlterModelTable(name="announcement", table=None),
    ]
