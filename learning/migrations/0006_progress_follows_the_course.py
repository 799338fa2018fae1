from django.db import migrations, models
from django.db.models import Count, Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def count_against_the_course_as_it_is(apps, schema_editor):
    # Before ADR 0042 a completed or withdrawn enrollment kept the lesson counts of the day it
    # stopped, so a course that grew later still read 100%. Count them against the active
    # lessons now, as every other enrollment already is: one UPDATE for all of them, whatever
    # their number (the counts are subqueries per row, worked out by the database).
    Enrollment = apps.get_model("learning", "Enrollment")
    OutlineLesson = apps.get_model("learning", "OutlineLesson")
    LessonProgress = apps.get_model("learning", "LessonProgress")
    active = OutlineLesson.objects.filter(outline_id=OuterRef("outline_id"), is_active=True)
    total = active.order_by().values("outline_id").annotate(n=Count("pk")).values("n")
    done = (
        LessonProgress.objects.filter(enrollment_id=OuterRef("pk"))
        .filter(
            Exists(
                OutlineLesson.objects.filter(
                    outline_id=OuterRef(OuterRef("outline_id")),
                    is_active=True,
                    lesson_key=OuterRef("lesson_key"),
                )
            )
        )
        .order_by()
        .values("enrollment_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Enrollment.objects.exclude(status="active").update(
        lessons_total=Coalesce(Subquery(total), Value(0)),
        lessons_completed=Coalesce(Subquery(done), Value(0)),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0005_quiz_attempts_with_stored_draws"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrollment",
            name="lessons_new_since_completion",
            field=models.PositiveIntegerField(default=0, db_default=0),
        ),
        migrations.AddField(
            model_name="outlinelesson",
            name="added_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(count_against_the_course_as_it_is, migrations.RunPython.noop),
    ]
