from django.db import migrations, models


def count_against_the_course_as_it_is(apps, schema_editor):
    # Before ADR 0042 a completed or withdrawn enrollment kept the lesson counts of the day it
    # stopped, so a course that grew later still read 100%. Count them against the active
    # lessons now, as every other enrollment already is.
    Enrollment = apps.get_model("learning", "Enrollment")
    OutlineLesson = apps.get_model("learning", "OutlineLesson")
    LessonProgress = apps.get_model("learning", "LessonProgress")
    active: dict = {}
    for outline_id, key in OutlineLesson.objects.filter(is_active=True).values_list(
        "outline_id", "lesson_key"
    ):
        active.setdefault(outline_id, set()).add(key)
    stale = Enrollment.objects.exclude(status="active").only(
        "pk", "outline_id", "lessons_completed", "lessons_total"
    )
    for enrollment in stale.iterator(chunk_size=500):
        keys = active.get(enrollment.outline_id, set())
        done = set(
            LessonProgress.objects.filter(enrollment_id=enrollment.pk).values_list(
                "lesson_key", flat=True
            )
        )
        total, completed = len(keys), len(keys & done)
        if (total, completed) != (enrollment.lessons_total, enrollment.lessons_completed):
            Enrollment.objects.filter(pk=enrollment.pk).update(
                lessons_total=total, lessons_completed=completed
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
