"""The admin form of the course pages: adding a page again after an abandoned attempt works."""

from wagtail.admin.forms import WagtailAdminPageForm

from .abandoned_drafts import abandoned_draft_holding, abandoned_draft_slug_release


class CoursePageAdminForm(WagtailAdminPageForm):
    """Wagtail's page form, except that a new page may take the slug of its author's own
    abandoned draft (see `courses.abandoned_drafts`); the draft moves aside on save."""

    abandoned_draft = None

    def clean(self):
        slug = self.cleaned_data.get("slug")
        cleaned_data = super().clean()
        holder = None
        if self.instance.pk is None and self.has_error("slug"):
            holder = abandoned_draft_holding(slug, self.parent_page, self.for_user)
        if holder is not None and len(self.errors["slug"]) == 1:
            # The only slug error is the clash with that draft: the address is the author's.
            del self._errors["slug"]
            cleaned_data["slug"] = slug
            self.abandoned_draft = holder
        return cleaned_data

    def save(self, commit=True):
        if self.abandoned_draft is not None:
            abandoned_draft_slug_release(self.abandoned_draft, actor=self.for_user)
        return super().save(commit=commit)
