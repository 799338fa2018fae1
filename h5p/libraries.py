"""Reads about installed libraries and content: what uses what, and which lessons use content.

A content uses its main library, the libraries its `h5p.json` preloads (a container's question
types among them), and everything those depend on in turn. A library another library depends
on stays needed even while no content uses either, so the libraries screen shows both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from wagtail.models import ReferenceIndex

from courses.models import LessonPage
from learning.models import OutlineLesson

from .models import H5PContent, H5PLibrary
from .storage import h5p_root

PLAY_DEPENDENCIES = ("preloadedDependencies", "dynamicDependencies")

Ref = tuple[str, int, int]


def _refs(data: dict, kinds=PLAY_DEPENDENCIES) -> set[Ref]:
    refs = set()
    for kind in kinds:
        for dependency in data.get(kind) or []:
            try:
                refs.add(
                    (
                        str(dependency["machineName"]),
                        int(dependency["majorVersion"]),
                        int(dependency["minorVersion"]),
                    )
                )
            except (KeyError, TypeError, ValueError):
                continue
    return refs


def _ref_of(library: H5PLibrary) -> Ref:
    return (library.machine_name, library.major_version, library.minor_version)


def content_roots(content: H5PContent) -> set[Ref]:
    """The libraries `content` names itself: its main library and what its h5p.json preloads."""
    roots = {_ref_of(content.main_library)}
    try:
        h5p_json = json.loads((h5p_root() / content.folder / "h5p.json").read_text("utf-8"))
    except (OSError, ValueError):
        return roots
    return roots | (
        _refs(h5p_json, ("preloadedDependencies",)) if isinstance(h5p_json, dict) else set()
    )


@dataclass
class LibraryUsage:
    library: H5PLibrary
    contents: list[H5PContent] = field(default_factory=list)
    needed_by: list[H5PLibrary] = field(default_factory=list)

    @property
    def in_use(self) -> bool:
        return bool(self.contents or self.needed_by)


def library_usage() -> list[LibraryUsage]:
    """Every installed library with the content using it and the libraries depending on it."""
    libraries = list(H5PLibrary.objects.all())
    by_ref = {_ref_of(library): library for library in libraries}
    depends_on = {_ref_of(library): _refs(library.metadata or {}) for library in libraries}
    usage = {library.pk: LibraryUsage(library) for library in libraries}
    for library in libraries:
        for ref in depends_on[_ref_of(library)]:
            if ref in by_ref and ref != _ref_of(library):
                usage[by_ref[ref].pk].needed_by.append(library)
    for content in H5PContent.objects.select_related("main_library", "university"):
        seen: set[Ref] = set()
        todo = list(content_roots(content))
        while todo:
            ref = todo.pop()
            if ref in seen:
                continue
            seen.add(ref)
            todo.extend(depends_on.get(ref, ()))
        for ref in seen:
            if ref in by_ref:
                usage[by_ref[ref].pk].contents.append(content)
    return list(usage.values())


def usage_of_library(library: H5PLibrary) -> LibraryUsage:
    return next(u for u in library_usage() if u.library.pk == library.pk)


def lessons_using_content(content: H5PContent) -> list[str]:
    """Titles of the lessons that use `content`: live, in a draft, or in a published outline."""
    titles = set()
    page_ids = {
        int(reference.object_id)
        for reference in ReferenceIndex.get_references_to(content)
        if reference.base_content_type.model_class() is not None
    }
    titles.update(LessonPage.objects.filter(pk__in=page_ids).values_list("title", flat=True))
    # A draft not yet published is not in the reference index: read the latest revisions.
    for page in LessonPage.objects.filter(has_unpublished_changes=True).select_related(
        "latest_revision"
    ):
        body = (page.latest_revision.content if page.latest_revision else {}).get("body")
        if _body_uses(body, content.pk):
            titles.add(page.title)
    outline_keys = OutlineLesson.objects.filter(
        is_active=True, activity_ids__icontains=str(content.uuid)
    ).values_list("lesson_key", flat=True)
    titles.update(
        LessonPage.objects.filter(translation_key__in=list(outline_keys)).values_list(
            "title", flat=True
        )
    )
    return sorted(titles)


def _body_uses(body, content_pk: int) -> bool:
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return False
    return isinstance(body, list) and any(
        isinstance(block, dict)
        and block.get("type") == "h5p"
        and isinstance(block.get("value"), dict)
        and block["value"].get("content") == content_pk
        for block in body
    )
