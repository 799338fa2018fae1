from django.db import migrations
from django.db.models import Count, Exists, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def date_lessons_recorded_before_added_at(apps, schema_editor):
    # Lessons recorded before 0006 have no `added_at`, so a learner who completed a course
    # before one of them was published never saw it as "new since you completed" (ADR 0042).
    # The first publication of the lesson (any translation) is when it first joined a course;
    # lessons made required or published again after removal before 0006 cannot be told
    # apart and keep that date, which only ever labels fewer lessons new, never more.
    # Two UPDATEs in all, whatever the number of lessons and enrollments.
    OutlineLesson = apps.get_model("learning", "OutlineLesson")
    Enrollment = apps.get_model("learning", "Enrollment")
    LessonProgress = apps.get_model("learning", "LessonProgress")
    Page = apps.get_model("wagtailcore", "Page")
    first_published = (
        Page.objects.filter(translation_key=OuterRef("lesson_key"))
        .order_by()
        .values("translation_key")
        .annotate(first=Min("first_published_at"))
        .values("first")
    )
    OutlineLesson.objects.filter(added_at__isnull=True).update(
        added_at=Subquery(first_published)
    )
    new = (
        OutlineLesson.objects.filter(
            outline_id=OuterRef("outline_id"),
            is_active=True,
            added_at__gt=OuterRef("completed_at"),
        )
        .exclude(
            Exists(
                LessonProgress.objects.filter(
                    enrollment_id=OuterRef(OuterRef("pk")), lesson_key=OuterRef("lesson_key")
                )
            )
        )
        .order_by()
        .values("outline_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Enrollment.objects.filter(status="completed", completed_at__isnull=False).update(
        lessons_new_since_completion=Coalesce(Subquery(new), Value(0))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0006_progress_follows_the_course"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(date_lessons_recorded_before_added_at, migrations.RunPython.noop),
    ]
