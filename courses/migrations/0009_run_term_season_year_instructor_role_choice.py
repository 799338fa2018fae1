"""A run's free-text term becomes a season and a year; an instructor's free-text role a choice.

Existing terms are read ("Spring 2026", "autumn-2026", or the name in any of our languages);
one that cannot be read takes its season and year from the run's start date. Roles that are
not one of the choices ("Lead instructor", "Co-instructor", in any case) are left blank.
"""

import django.core.validators
from django.db import migrations, models

from courses.terms import season_for, term_parse

ROLES = {
    "lead instructor": "lead",
    "lead": "lead",
    "co-instructor": "co_instructor",
    "co instructor": "co_instructor",
    "teaching assistant": "assistant",
    "assistant": "assistant",
    "guest lecturer": "guest",
}


def terms_forward(apps, schema_editor):
    CourseRun = apps.get_model("courses", "CourseRun")
    for run in CourseRun.objects.all():
        parsed = term_parse(run.term)
        run.season, run.year = parsed or (season_for(run.starts_on), run.starts_on.year)
        run.save(update_fields=["season", "year"])


def terms_backward(apps, schema_editor):
    CourseRun = apps.get_model("courses", "CourseRun")
    for run in CourseRun.objects.all():
        run.term = f"{run.season.capitalize()} {run.year}"
        run.save(update_fields=["term"])


def roles_forward(apps, schema_editor):
    CourseInstructor = apps.get_model("courses", "CourseInstructor")
    for instructor in CourseInstructor.objects.exclude(role=""):
        instructor.role = ROLES.get(" ".join(instructor.role.lower().split()), "")
        instructor.save(update_fields=["role"])


class Migration(migrations.Migration):
    dependencies = [("courses", "0008_quiz_attempt_settings")]

    operations = [
        migrations.AddField(
            model_name="courserun",
            name="season",
            field=models.CharField(
                choices=[
                    ("winter", "Winter"),
                    ("spring", "Spring"),
                    ("summer", "Summer"),
                    ("autumn", "Autumn"),
                ],
                default="spring",
                max_length=10,
                verbose_name="season",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="courserun",
            name="year",
            field=models.PositiveSmallIntegerField(
                default=2026,
                validators=[
                    django.core.validators.MinValueValidator(2000),
                    django.core.validators.MaxValueValidator(2100),
                ],
                verbose_name="year",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(terms_forward, terms_backward),
        # A default first, so that reversing the removal can add the column back.
        migrations.AlterField(
            model_name="courserun",
            name="term",
            field=models.CharField(blank=True, default="", max_length=100, verbose_name="term"),
        ),
        migrations.RemoveField(model_name="courserun", name="term"),
        migrations.RunPython(roles_forward, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="courseinstructor",
            name="role",
            field=models.CharField(
                blank=True,
                choices=[
                    ("lead", "Lead instructor"),
                    ("co_instructor", "Co-instructor"),
                    ("assistant", "Teaching assistant"),
                    ("guest", "Guest lecturer"),
                ],
                max_length=20,
                verbose_name="role",
            ),
        ),
    ]
