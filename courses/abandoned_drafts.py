"""Drafts left behind by an abandoned "add page" attempt, and freeing the address they hold.

The admin autosaves a new page as a draft as soon as its author starts typing. An author who
gives up and starts again with the same title then meets "The slug … is already in use" from
a draft they may never have seen. A draft counts as abandoned when it was never published, is
owned by the person trying again, sits in no workflow and has no children; such a draft gives
its address up to the new page and keeps everything else under a slug that says what it is.
Nothing is deleted: the old draft stays in the explorer for its author to finish or remove.
"""

from django.db import transaction
from wagtail.log_actions import log
from wagtail.models import Page

# Recorded in the page's own history (the admin's History tab); registered in wagtail_hooks.
SLUG_RELEASED = "courses.draft_slug_released"


def abandoned_draft_holding(slug: str, parent: Page, user) -> Page | None:
    """The sibling under `parent` that holds `slug`, if it is `user`'s abandoned draft."""
    if not slug or parent is None or not getattr(user, "is_authenticated", False):
        return None
    holder = parent.get_children().filter(slug=slug).first()
    if holder is None:
        return None
    abandoned = (
        not holder.live
        and holder.first_published_at is None
        and holder.alias_of_id is None
        and holder.owner_id == user.pk
        and holder.numchild == 0
        and not holder.workflow_in_progress
    )
    return holder if abandoned else None


@transaction.atomic
def abandoned_draft_slug_release(draft: Page, *, actor) -> str:
    """Move `draft` to a free slug of its own ("<slug>-draft", "-draft-2", …); returns it.

    The draft's latest revision gets the same slug, so publishing that draft later does not
    claim the released address back."""
    draft = Page.objects.select_for_update().get(pk=draft.pk)
    parent = draft.get_parent()
    released = draft.slug
    candidate, suffix = f"{released}-draft", 1
    while not Page._slug_is_available(candidate, parent, draft):
        suffix += 1
        candidate = f"{released}-draft-{suffix}"
    draft.slug = candidate
    draft.set_url_path(parent)
    draft.save(update_fields=["slug", "url_path"], clean=False)
    revision = draft.latest_revision
    if revision is not None:
        revision.content = {**revision.content, "slug": candidate, "url_path": draft.url_path}
        revision.save(update_fields=["content"])
    log(draft, SLUG_RELEASED, user=actor, data={"released_slug": released, "new_slug": candidate})
    return candidate
