"""`Announcement` now belongs to `teaching` (its 0002 took over the table and its rows); this
only removes the old model from `learning`'s migration state."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0003_activity_rules_and_views"),
        ("teaching", "0002_announcement_moves_to_teaching"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Announcement")],
        ),
    ]
