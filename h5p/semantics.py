"""A package's `content/content.json` checked against its libraries' `semantics.json` (ADR 0054).

H5P's semantics format (https://h5p.org/semantics) describes the parameters a content type takes:
a list of fields, each with a `name` and a `type` (`text`, `number`, `boolean`, `select`, `list`,
`group`, `library`, `image`, `file`, `video`, `audio`). H5P's own server cleans content against
it when it is saved, and the player trusts what it gets. Ilm serves `content.json` as the author
exported it, so it refuses what H5P would have had to clean, naming the field at fault
(`questions[2].params.answers[0].text`):

- a value of the wrong type, a number outside `min`/`max` or with more than `decimals`, a text
  longer than `maxLength`, a select value not among its `options`, a list outside its `min`/`max`;
- markup in plain text (a text field without `tags`), and in HTML text any tag its `tags` do not
  allow, any `on…=` attribute, a `javascript:` URL, `<script>` and the like;
- a `library` field naming a library not in its `options`, or one the package neither brings
  nor finds installed. Its `params` are checked against *that* library's semantics, recursively.

Undeclared fields are left alone (libraries never read them) but may carry no script; a missing
field is accepted (the library uses its default); `regexp` is not run (JavaScript's dialect, no
input for a server's regex engine). Plain Python, no disk and no models; depth and the number of
values visited are bounded. Every refusal is a `ContentRejected`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from html.parser import HTMLParser
from typing import Any

from django.utils.translation import gettext as _

from .archive import ArchiveRejected

CONTENT_ENTRY = "content/content.json"
MAX_DEPTH = 64  # nested fields and sub-content; real content types stay well under 40
MAX_VALUES = 250_000  # values visited in one content.json

# Tags H5P's HTML editor writes for any HTML field (paragraphs, line breaks, styled spans), and
# the companions it allows with a listed tag.
STRUCTURAL_TAGS = frozenset({"p", "div", "span", "br"})
COMPANION_TAGS = {
    "strong": {"b"},
    "b": {"strong"},
    "em": {"i"},
    "i": {"em"},
    "ul": {"li"},
    "ol": {"li"},
    "del": {"s"},
    "strike": {"s"},
    "table": {"tr", "td", "th", "thead", "tbody", "tfoot", "caption", "colgroup", "col"},
}
# Never allowed in content, whatever a semantics.json lists.
_FORBIDDEN = "script style iframe frame frameset object embed applet base meta link form input"
FORBIDDEN_TAGS = frozenset(
    f"{_FORBIDDEN} button textarea select option svg math template noscript".split()
)
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "poster", "background", "xlink:href", "srcset"}
)
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "ftp", "tel"})
TAG_START = re.compile(r"<[a-zA-Z/!?]")
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
SCRIPT_URL = re.compile(r"(?:java|vb)script:", re.IGNORECASE)
ACTIVE_MARKUP = re.compile(r"<script|<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
LIBRARY_NAME = re.compile(r"^([\w\-.$]{1,255}) (\d{1,5})\.(\d{1,5})$")
SPECIAL_LIBRARY_KEYS = ("library", "params", "subContentId", "metadata")


class ContentRejected(ArchiveRejected):
    """`content.json` breaks its semantics; `message` names the field, `path` holds it alone."""

    def __init__(self, code: str, message: str, path: str = ""):
        super().__init__(code, message, CONTENT_ENTRY)
        self.path = path


# `library_semantics(machine_name, major, minor)` answers the library's parsed semantics.json,
# None when it has none, and raises LookupError when the library is neither in the package nor
# installed.
SemanticsLookup = Callable[[str, int, int], Any]


def check_content(content: Any, *, library: tuple[str, int, int], semantics: SemanticsLookup):
    """Check `content` (the parsed content.json) as the params of `library`; raise or return."""
    walker = _Walker(semantics)
    walker.library_params(content, library, path="", depth=0)


def semantics_lookup(
    libraries: Mapping[Any, Any],
    to_install: Iterable[Any],
    installed_patch: Callable[[Any], int | None],
    installed_semantics: Callable[[Any], Any] | None,
) -> SemanticsLookup:
    """Where a package's content finds each library's semantics: the version that will play it.

    A library the package installs brings its own; an installed one is read by
    `installed_semantics` (without it, its params go unchecked but for scripts); a library
    neither installed nor in the package is a `LookupError`.
    """
    from .validation import LibraryRef  # validation imports this module

    installing = {library.ref: library for library in to_install}

    def lookup(machine_name: str, major: int, minor: int) -> Any:
        ref = LibraryRef(machine_name, major, minor)
        if ref in installing:
            return installing[ref].semantics
        if installed_patch(ref) is not None:
            return installed_semantics(ref) if installed_semantics else None
        if ref in libraries:
            return libraries[ref].semantics
        raise LookupError(ref)

    return lookup


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _shown(path: str) -> str:
    return path or _("the content's top level")


class _Walker:
    def __init__(self, semantics: SemanticsLookup):
        self.lookup = semantics
        self.visited = 0
        self.cache: dict[tuple[str, int, int], list | None] = {}

    # --- bookkeeping -------------------------------------------------------------------------

    def count(self, path: str, depth: int) -> None:
        self.visited += 1
        if self.visited > MAX_VALUES or depth > MAX_DEPTH:
            raise ContentRejected(
                "content-too-complex",
                _(
                    "The content is nested too deeply or holds too many values (at %(field)s); "
                    "Ilm checks at most %(depth)s levels and %(values)s values."
                )
                % {"field": _shown(path), "depth": MAX_DEPTH, "values": MAX_VALUES},
                path,
            )

    def refuse(self, code: str, path: str, problem: str) -> ContentRejected:
        message = _("content.json, field %(field)s: %(problem)s") % {
            "field": _shown(path),
            "problem": problem,
        }
        return ContentRejected(code, message, path)

    def bad_semantics(self, library: str, detail: str) -> ContentRejected:
        return ContentRejected(
            "invalid-semantics",
            _("The semantics.json of %(library)s is not valid H5P semantics: %(detail)s.")
            % {"library": library, "detail": detail},
        )

    def fields_of(self, ref: tuple[str, int, int]) -> list | None:
        if ref not in self.cache:
            name = "{} {}.{}".format(*ref)
            data = self.lookup(*ref)  # LookupError: neither in the package nor installed
            if data is not None and not isinstance(data, list):
                raise self.bad_semantics(name, _("it must hold a list of fields"))
            self.cache[ref] = data
        return self.cache[ref]

    # --- walking -----------------------------------------------------------------------------

    def library_params(self, params: Any, ref: tuple[str, int, int], path: str, depth: int):
        fields = self.fields_of(ref)
        if fields is None:
            self.scan(params, path, depth)
            return
        library = "{} {}.{}".format(*ref)
        self.group(params, {"fields": fields}, path, depth, library, flatten=False)

    def value(self, value: Any, field: Any, path: str, depth: int, library: str) -> None:
        self.count(path, depth)
        if not isinstance(field, dict):
            raise self.bad_semantics(library, _("a field is not a JSON object"))
        if value is None:
            return  # H5P treats null as absent: the library uses its default
        kind = field.get("type")
        check = (
            {
                "text": self.text,
                "number": self.number,
                "boolean": self.boolean,
                "select": self.select,
                "list": self.items,
                "group": self.group,
                "library": self.library,
                "image": self.media_file,
                "file": self.media_file,
                "video": self.media_list,
                "audio": self.media_list,
            }.get(kind)
            if isinstance(kind, str)
            else None
        )
        if check is None:
            raise self.bad_semantics(library, _("unknown field type %(type)r") % {"type": kind})
        check(value, field, path, depth, library)

    def group(self, value, field, path, depth, library, flatten=True) -> None:
        fields = field.get("fields")
        if not isinstance(fields, list) or not all(isinstance(item, dict) for item in fields):
            raise self.bad_semantics(library, _("a group has no list of fields"))
        if flatten and len(fields) == 1 and field.get("isSubContent") is not True:
            # H5P's editor stores a one-field group as that field's value, without the object
            # around it; older content may still hold the object, so both are accepted.
            name = fields[0].get("name")
            if not (isinstance(value, dict) and isinstance(name, str) and name in value):
                self.value(value, fields[0], path, depth + 1, library)
                return
        if not isinstance(value, dict):
            raise self.refuse("wrong-type", path, _("must be a group of fields (a JSON object)."))
        declared: dict[str, dict] = {}
        for item in fields:
            name = item.get("name")
            if not isinstance(name, str):
                raise self.bad_semantics(library, _("a field has no name"))
            declared.setdefault(name, item)
        for key, item in value.items():
            child = _join(path, key)
            if key in declared:
                self.value(item, declared[key], child, depth + 1, library)
            else:
                self.scan(item, child, depth + 1)

    def text(self, value, field, path, depth, library) -> None:
        if not isinstance(value, str):
            raise self.refuse("wrong-type", path, _("must be text."))
        max_length = field.get("maxLength")
        if _is_number(max_length) and len(value) > max_length:
            raise self.refuse(
                "too-long",
                path,
                _("is %(length)s characters long; at most %(max)s are allowed.")
                % {"length": len(value), "max": max_length},
            )
        tags = field.get("tags")
        if tags:
            if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
                raise self.bad_semantics(library, _("a text field's tags are not a list of names"))
            self.html(value, tags, path)
            return
        if TAG_START.search(value) or SCRIPT_URL.search(INVISIBLE.sub("", value)):
            raise self.refuse(
                "markup-in-plain-text",
                path,
                _(
                    "may hold only plain text, but it contains HTML markup or a script link. "
                    "Remove it in your H5P editor and export again."
                ),
            )

    def html(self, value: str, tags: list[str], path: str) -> None:
        allowed = set(STRUCTURAL_TAGS)
        for tag in tags:
            allowed.add(tag.lower())
            allowed |= COMPANION_TAGS.get(tag.lower(), set())
        allowed -= FORBIDDEN_TAGS
        problem = _HtmlCheck(allowed).problem(value)
        if problem:
            raise self.refuse("unsafe-html", path, problem)

    def number(self, value, field, path, depth, library) -> None:
        if not _is_number(value):
            raise self.refuse("wrong-type", path, _("must be a number."))
        low, high = field.get("min"), field.get("max")
        if (_is_number(low) and value < low) or (_is_number(high) and value > high):
            raise self.refuse(
                "out-of-range",
                path,
                _("is %(value)s, outside the allowed range %(min)s to %(max)s.")
                % {
                    "value": value,
                    "min": low if _is_number(low) else "…",
                    "max": high if _is_number(high) else "…",
                },
            )
        decimals = field.get("decimals")
        if not _is_number(decimals) or not 0 <= decimals <= 15:
            return
        places = int(decimals)
        if not isinstance(value, int) and abs(round(value, places) - value) > 1e-9:
            raise self.refuse(
                "too-many-decimals",
                path,
                _("is %(value)s; at most %(places)s decimal places are allowed.")
                % {"value": value, "places": places},
            )

    def boolean(self, value, field, path, depth, library) -> None:
        if not isinstance(value, bool):
            raise self.refuse("wrong-type", path, _("must be true or false."))

    def select(self, value, field, path, depth, library) -> None:
        options = field.get("options")
        if not isinstance(options, list):
            raise self.bad_semantics(library, _("a select field has no list of options"))
        allowed = []
        for option in options:
            if isinstance(option, dict) and isinstance(option.get("options"), list):
                option_group = option["options"]  # an optgroup
                allowed.extend(item.get("value") for item in option_group if isinstance(item, dict))
            elif isinstance(option, dict):
                allowed.append(option.get("value"))
        if value == "" and field.get("optional") is True:
            return  # an optional select left unset
        chosen = value if field.get("multiple") is True and isinstance(value, list) else [value]
        for item in chosen:
            if isinstance(item, (dict, list)) or not any(
                (item == option and type(item) is type(option)) or _same_number(item, option)
                for option in allowed
            ):
                raise self.refuse(
                    "not-an-option",
                    path,
                    _("%(value)s is not one of the allowed options.") % {"value": _brief(item)},
                )

    def items(self, value, field, path, depth, library) -> None:
        if not isinstance(value, list):
            raise self.refuse("wrong-type", path, _("must be a list."))
        item_field = field.get("field")
        if not isinstance(item_field, dict):
            raise self.bad_semantics(library, _("a list has no field for its items"))
        low, high = field.get("min"), field.get("max")
        if (_is_number(low) and len(value) < low) or (_is_number(high) and len(value) > high):
            raise self.refuse(
                "list-size",
                path,
                _("has %(count)s items; between %(min)s and %(max)s are allowed.")
                % {
                    "count": len(value),
                    "min": low if _is_number(low) else 0,
                    "max": high if _is_number(high) else "…",
                },
            )
        for index, item in enumerate(value):
            self.value(item, item_field, f"{path}[{index}]", depth + 1, library)

    def library(self, value, field, path, depth, library) -> None:
        if not isinstance(value, dict):
            raise self.refuse("wrong-type", path, _("must be a sub-content (a JSON object)."))
        name = value.get("library")
        if name is None or name == "":
            self.scan(value, path, depth + 1)  # an empty slot: H5P drops it
            return
        options = field.get("options")
        if not isinstance(options, list):
            raise self.bad_semantics(library, _("a library field has no list of options"))
        names = (option.get("name") if isinstance(option, dict) else option for option in options)
        allowed = {option for option in names if isinstance(option, str)}
        match = LIBRARY_NAME.match(name) if isinstance(name, str) else None
        if match is None or name not in allowed:
            raise self.refuse(
                "library-not-allowed",
                _join(path, "library"),
                _("%(library)s is not one of the content types allowed here.")
                % {"library": _brief(name)},
            )
        ref = (match[1], int(match[2]), int(match[3]))
        try:
            self.fields_of(ref)
        except LookupError:
            raise self.refuse(
                "library-missing",
                _join(path, "library"),
                _(
                    "uses %(library)s, which is neither in the package nor installed. Export "
                    "the content again with its libraries."
                )
                % {"library": name},
            ) from None
        for key, item in value.items():
            if key not in ("library", "params"):
                self.scan(item, _join(path, key), depth + 1)
        params = value.get("params")
        if params is not None:
            if not isinstance(params, dict):
                raise self.refuse("wrong-type", _join(path, "params"), _("must be a JSON object."))
            self.library_params(params, ref, _join(path, "params"), depth + 1)

    def media_list(self, value, field, path, depth, library) -> None:
        if not isinstance(value, list):
            raise self.refuse("wrong-type", path, _("must be a list of files."))
        for index, item in enumerate(value):
            self.count(path, depth + 1)
            self.media_file(item, field, f"{path}[{index}]", depth + 1, library)

    def media_file(self, value, field, path, depth, library) -> None:
        if not isinstance(value, dict) or not isinstance(value.get("path"), str):
            raise self.refuse("wrong-type", path, _("must be a file with a path."))
        scheme = SCHEME.match(INVISIBLE.sub("", value["path"]))
        if scheme and scheme[1].lower() not in ("http", "https"):
            raise self.refuse(
                "unsafe-url",
                _join(path, "path"),
                _(
                    "links to a %(scheme)s: address; only files in the package or http(s) links "
                    "are allowed."
                )
                % {"scheme": scheme[1].lower()},
            )
        for key, item in value.items():
            if key != "path":
                self.scan(item, _join(path, key), depth + 1)

    def scan(self, value: Any, path: str, depth: int) -> None:
        """Values the semantics do not describe: no checks of type, but no script either."""
        pending = [(value, path, depth)]
        while pending:
            item, where, level = pending.pop()
            self.count(where, level)
            if isinstance(item, str):
                if ACTIVE_MARKUP.search(item) or SCRIPT_URL.search(INVISIBLE.sub("", item)):
                    raise self.refuse(
                        "script-in-content",
                        where,
                        _("contains a script, which H5P content may never hold."),
                    )
            elif isinstance(item, dict):
                pending.extend(
                    (child, _join(where, str(key)), level + 1) for key, child in item.items()
                )
                pending.extend((str(key), where, level + 1) for key in item)
            elif isinstance(item, list):
                pending.extend(
                    (child, f"{where}[{index}]", level + 1) for index, child in enumerate(item)
                )


class _HtmlCheck(HTMLParser):
    """The first reason an HTML text breaks its field's tags, or None."""

    def __init__(self, allowed: set[str]):
        super().__init__(convert_charrefs=True)
        self.allowed = allowed
        self.found: str | None = None

    def problem(self, text: str) -> str | None:
        self.feed(text)
        self.close()
        return self.found

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.found:
            return
        if tag not in self.allowed:
            self.found = _("the tag <%(tag)s> is not allowed here. Allowed tags: %(allowed)s.") % {
                "tag": tag,
                "allowed": ", ".join(sorted(self.allowed)),
            }
            return
        for name, value in attrs:
            if name.startswith("on"):
                self.found = _("the attribute %(attribute)s runs a script and is not allowed.") % {
                    "attribute": name
                }
                return
            cleaned = INVISIBLE.sub("", value or "")
            scheme = SCHEME.match(cleaned)
            if name in URL_ATTRIBUTES and scheme and scheme[1].lower() not in SAFE_SCHEMES:
                self.found = _("a %(scheme)s: link is not allowed.") % {"scheme": scheme[1].lower()}
                return
            if SCRIPT_URL.search(cleaned) or (
                name == "style" and re.search(r"expression|url\(", cleaned, re.IGNORECASE)
            ):
                self.found = _("the attribute %(attribute)s holds a script.") % {"attribute": name}
                return

    handle_startendtag = handle_starttag


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and (isinstance(value, int) or math.isfinite(value))
    )


def _same_number(left: Any, right: Any) -> bool:
    return _is_number(left) and _is_number(right) and left == right


def _brief(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"“{value}”"
    return text if len(text) <= 60 else text[:57] + "…"
