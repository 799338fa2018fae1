"""Thin Celery tasks: take an id, call the idempotent service (ADR 0030)."""

from celery import shared_task
from wagtail.models import Page

from . import language_versions


@shared_task(name="courses.language_versions_fill", acks_late=True, time_limit=300)
def language_versions_fill(page_id: int) -> int:
    """Give the page's translation key a page in every served locale; count the aliases made."""
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        return 0
    return len(language_versions.versions_fill(page))


@shared_task(name="courses.language_versions_fill_all", acks_late=True, time_limit=1800)
def language_versions_fill_all() -> int:
    """The nightly sweep: catches a locale added later or a page published while tasks failed."""
    return language_versions.versions_fill_all()
