"""The rules H5P's own validator applies to a `.h5p` package, written for Ilm.

The rules follow `H5PValidator::isValidPackage` and `getLibraryData` in h5p-php-library
(`h5p.classes.php`): required `h5p.json` fields and their patterns, a parseable
`content/content.json`, library folders named after their `library.json`, preloaded JS and CSS
present, every dependency present or installed, and the extension whitelists. Like H5P, files and
folders whose name starts with `.` or `_` are skipped (`__MACOSX/`, `.DS_Store`).

Plain Python over a `CheckedArchive`: it reads a few JSON files (counted like any extraction) and
never writes to disk. `installation` writes the files once this has accepted the package.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from .archive import ArchiveRejected, ByteBudget, CheckedArchive, read_entry, storable_json
from .player import supported_core_api
from .semantics import check_content, semantics_lookup

# H5PCore::$defaultContentWhitelist, without `swf`: no browser plays Flash any more, so a .swf
# file could only ever be a download vector.
_CONTENT_WHITELIST = (
    "json png jpg jpeg gif bmp tif tiff svg eot ttf woff woff2 otf webm mp4 ogg mp3 m4a wav txt "
    "pdf rtf doc docx xls xlsx ppt pptx odt ods odp xml csv diff patch md textile vtt webvtt"
)
CONTENT_EXTENSIONS = frozenset(_CONTENT_WHITELIST.split())
# H5PCore::$defaultLibraryWhitelistExtras: libraries are code, so they may also carry JS and CSS.
LIBRARY_EXTENSIONS = CONTENT_EXTENSIONS | {"js", "css"}

# The H5P core API the bundled player implements, from `player.py`'s listing of the pinned
# h5p-standalone build (checked against the installed files when the player is installed).
SUPPORTED_CORE_API = supported_core_api()

MAX_JSON_BYTES = 16 * 1024 * 1024

MACHINE_NAME = re.compile(r"^[\w\-.]{1,255}$")
MAIN_LIBRARY = re.compile(r"^[$a-z_][0-9a-z_.$]{1,254}$", re.IGNORECASE)
LANGUAGE = re.compile(r"^[-a-zA-Z]{1,10}$")
TITLE = re.compile(r"^.{1,255}$")
ASSET_PATH = {
    "preloadedJs": re.compile(r"^([\\/]?[a-z_\-\s0-9.]+)+\.js$", re.IGNORECASE),
    "preloadedCss": re.compile(r"^([\\/]?[a-z_\-\s0-9.]+)+\.css$", re.IGNORECASE),
}
LANGUAGE_FILE = re.compile(r"^(-?[a-z]+){1,7}\.json$", re.IGNORECASE)
DEPENDENCY_KINDS = ("preloadedDependencies", "dynamicDependencies", "editorDependencies")
MAX_VERSION = 99_999


class LibraryRef(NamedTuple):
    """A library as H5P addresses it: machine name plus major and minor version."""

    machine_name: str
    major: int
    minor: int

    def __str__(self) -> str:
        return f"{self.machine_name} {self.major}.{self.minor}"

    @property
    def folder_name(self) -> str:
        """The folder the player looks the library up in (`H5P.Foo-1.2`)."""
        return f"{self.machine_name}-{self.major}.{self.minor}"


# What is already installed: a set of refs, refs mapped to their patch version, or a callable
# answering the installed patch version (or None).
InstalledLibraries = (
    Collection[LibraryRef] | Mapping[LibraryRef, int] | Callable[[LibraryRef], int | None]
)


class PackageRejected(ArchiveRejected):
    """The package breaks an H5P rule; `message` says which, naming the entry when there is one."""


@dataclass
class PackageLibrary:
    """One library folder inside the package."""

    ref: LibraryRef
    patch: int
    folder: str
    data: dict[str, Any]
    files: list[str] = field(default_factory=list)  # archive names, hidden ones left out
    semantics: Any = None  # the parsed semantics.json, None without one

    @property
    def title(self) -> str:
        return self.data["title"]


@dataclass
class PackageManifest:
    """What an accepted package holds, and what installing it will write."""

    title: str
    language: str
    main_library: LibraryRef
    embed_types: list[str]
    preloaded_dependencies: list[LibraryRef]
    h5p_json: dict[str, Any]
    content_files: list[str]  # archive names under content/, content.json included
    libraries: dict[LibraryRef, PackageLibrary]
    libraries_to_install: list[PackageLibrary]


def installed_patch_lookup(installed: InstalledLibraries) -> Callable[[LibraryRef], int | None]:
    """Turn any accepted form of `installed` into `ref -> patch or None`.

    A plain set says only that a library exists; its patch counts as infinitely new, so a
    package never "upgrades" it.
    """
    if callable(installed):
        return installed
    if isinstance(installed, Mapping):
        return installed.get
    present = set(installed)
    return lambda ref: MAX_VERSION + 1 if ref in present else None


def validate_package(
    archive: CheckedArchive,
    *,
    installed: InstalledLibraries,
    may_install_libraries: bool,
    installed_semantics: Callable[[LibraryRef], Any] | None = None,
) -> PackageManifest:
    """Apply H5P's package rules to an archive whose entries passed `archive.check_entries`.

    `may_install_libraries` is H5P's `mayUpdateLibraries()`: without it the package's own
    library folders are ignored and every dependency must already be installed.
    The content is checked against the semantics of the libraries that will play it; an
    installed one's come from `installed_semantics`. Raises `PackageRejected`/`ContentRejected`.
    """
    installed_patch = installed_patch_lookup(installed)
    budget = ByteBudget(archive.limits)
    content_files, library_files = _sort_files(archive)

    if "content/content.json" not in archive.files:
        raise PackageRejected(
            "missing-content", _("The package has no content/content.json."), "content"
        )
    content = _read_json(archive, "content/content.json", budget)
    if "h5p.json" not in archive.files:
        raise PackageRejected("missing-h5p-json", _("The package has no h5p.json."), "h5p.json")
    h5p_json = _read_json(archive, "h5p.json", budget)
    _check_h5p_json(h5p_json)

    libraries = _read_libraries(archive, library_files, budget) if may_install_libraries else {}
    to_install = [
        library
        for library in libraries.values()
        if (patch := installed_patch(library.ref)) is None or patch < library.patch
    ]
    _check_dependencies(h5p_json, libraries, installed_patch, may_install_libraries, library_files)

    preloaded = [_ref(dependency) for dependency in h5p_json["preloadedDependencies"]]
    main = next((ref for ref in preloaded if ref.machine_name == h5p_json["mainLibrary"]), None)
    if main is None:
        raise PackageRejected(
            "main-library-not-loaded",
            _("h5p.json names %(main)s as its main library but does not load it.")
            % {"main": h5p_json["mainLibrary"]},
            "h5p.json",
        )
    if main in libraries and libraries[main].data.get("runnable") != 1:
        raise PackageRejected(
            "main-library-not-runnable",
            _("The main library %(main)s is not a runnable content type.") % {"main": main},
            libraries[main].folder,
        )
    check_content(
        content,
        library=main,
        semantics=semantics_lookup(libraries, to_install, installed_patch, installed_semantics),
    )
    return PackageManifest(
        title=h5p_json["title"],
        language=h5p_json["language"],
        main_library=main,
        embed_types=list(h5p_json["embedTypes"]),
        preloaded_dependencies=preloaded,
        h5p_json=h5p_json,
        content_files=content_files,
        libraries=libraries,
        libraries_to_install=to_install,
    )


def validate_library_package(
    archive: CheckedArchive, *, installed: InstalledLibraries
) -> dict[LibraryRef, PackageLibrary]:
    """The libraries a package brings, checked by H5P's rules, for platform staff to install.

    A package with content (`h5p.json` or `content/`) is checked exactly as an upload of that
    content would be. One without is H5P's library upload (`isValidPackage` with
    `skipContent`): only library folders, each checked as in a content package, and every
    dependency present or installed. Raises `PackageRejected`.
    """
    if "h5p.json" in archive.files or "content/content.json" in archive.files:
        return validate_package(archive, installed=installed, may_install_libraries=True).libraries
    content_files, library_files = _sort_files(archive)
    if content_files or not library_files:
        raise PackageRejected(
            "no-libraries",
            _("The package holds no H5P libraries: it has neither h5p.json nor library folders."),
        )
    libraries = _read_libraries(archive, library_files, ByteBudget(archive.limits))
    _check_dependencies({}, libraries, installed_patch_lookup(installed), True, library_files)
    return libraries


def _sort_files(archive: CheckedArchive) -> tuple[list[str], dict[str, list[str]]]:
    """The content files, and each library folder's files, with the extension whitelists."""
    content_files: list[str] = []
    library_files: dict[str, list[str]] = {}
    for name in archive.files:
        if _is_hidden(name):
            continue
        top, _sep, rest = name.partition("/")
        if not rest:
            continue  # H5P unpacks nothing from the package root except h5p.json
        extension = rest.rsplit(".", 1)[-1].lower() if "." in rest.rsplit("/", 1)[-1] else ""
        if top == "content":
            if extension not in CONTENT_EXTENSIONS:
                _reject_extension(name, CONTENT_EXTENSIONS)
            content_files.append(name)
        else:
            if extension not in LIBRARY_EXTENSIONS:
                _reject_extension(name, LIBRARY_EXTENSIONS)
            library_files.setdefault(top, []).append(name)
    return content_files, library_files


def _read_libraries(
    archive: CheckedArchive, library_files: dict[str, list[str]], budget: ByteBudget
) -> dict[LibraryRef, PackageLibrary]:
    libraries: dict[LibraryRef, PackageLibrary] = {}
    for folder, names in sorted(library_files.items()):
        library = _read_library(archive, folder, names, budget)
        if library.ref in libraries:
            raise PackageRejected(
                "duplicate-library",
                _("The library %(library)s is in the package twice (%(folder)s).")
                % {"library": library.ref, "folder": folder},
                folder,
            )
        libraries[library.ref] = library
    return libraries


def _is_hidden(name: str) -> bool:
    return any(segment[:1] in (".", "_") for segment in name.split("/"))


def _reject_extension(name: str, allowed: Iterable[str]) -> None:
    raise PackageRejected(
        "not-in-whitelist",
        _("The file %(entry)s is not allowed. Allowed extensions: %(allowed)s.")
        % {"entry": name, "allowed": " ".join(sorted(allowed))},
        name,
    )


def _read_json(archive: CheckedArchive, name: str, budget: ByteBudget) -> Any:
    raw = read_entry(archive, name, budget, max_bytes=MAX_JSON_BYTES)
    try:
        return storable_json(raw)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise PackageRejected(
            "invalid-json",
            _("The file %(entry)s is not valid JSON (%(error)s).") % {"entry": name, "error": exc},
            name,
        ) from exc


def _invalid(entry: str, field_name: str, detail: str = "") -> PackageRejected:
    message = _("%(entry)s has an invalid or missing %(field)s.") % {
        "entry": entry,
        "field": field_name,
    }
    if detail:
        message = f"{message} {detail}"
    return PackageRejected("invalid-field", message, entry)


def _is_version(value: Any) -> bool:
    # H5P accepts digit strings too; the JSON it writes always has numbers.
    if isinstance(value, str) and value.isdigit() and len(value) <= 5:
        return True
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_VERSION


def _check_text(data: dict, key: str, pattern: re.Pattern, entry: str) -> None:
    value = data.get(key)
    if not isinstance(value, str) or not pattern.match(value):
        raise _invalid(entry, key)


def _check_dependency_list(data: dict, key: str, entry: str, required: bool) -> None:
    if key not in data and not required:
        return
    dependencies = data.get(key)
    if not isinstance(dependencies, list) or (required and not dependencies):
        raise _invalid(entry, key)
    for dependency in dependencies:
        if (
            not isinstance(dependency, dict)
            or not isinstance(dependency.get("machineName"), str)
            or not MACHINE_NAME.match(dependency["machineName"])
            or not _is_version(dependency.get("majorVersion"))
            or not _is_version(dependency.get("minorVersion"))
        ):
            raise _invalid(entry, key)


def _ref(dependency: dict) -> LibraryRef:
    return LibraryRef(
        dependency["machineName"], int(dependency["majorVersion"]), int(dependency["minorVersion"])
    )


def _check_h5p_json(data: Any) -> None:
    entry = "h5p.json"
    if not isinstance(data, dict):
        raise PackageRejected("invalid-h5p-json", _("h5p.json must hold a JSON object."), entry)
    _check_text(data, "title", TITLE, entry)
    _check_text(data, "language", LANGUAGE, entry)
    _check_text(data, "mainLibrary", MAIN_LIBRARY, entry)
    embed_types = data.get("embedTypes")
    if (
        not isinstance(embed_types, list)
        or not embed_types
        or any(kind not in ("iframe", "div") for kind in embed_types)
    ):
        raise _invalid(entry, "embedTypes")
    _check_dependency_list(data, "preloadedDependencies", entry, required=True)
    _check_dependency_list(data, "dynamicDependencies", entry, required=False)


def _read_library(
    archive: CheckedArchive, folder: str, names: list[str], budget: ByteBudget
) -> PackageLibrary:
    if not MACHINE_NAME.match(folder):
        raise PackageRejected(
            "invalid-library-name",
            _("Invalid library folder name: %(entry)s.") % {"entry": folder},
            folder,
        )
    entry = f"{folder}/library.json"
    if entry not in archive.files:
        raise PackageRejected(
            "missing-library-json",
            _("%(entry)s is missing: every library folder needs one.") % {"entry": entry},
            entry,
        )
    data = _read_json(archive, entry, budget)
    if not isinstance(data, dict):
        raise PackageRejected(
            "invalid-library-json",
            _("%(entry)s must hold a JSON object.") % {"entry": entry},
            entry,
        )
    _check_text(data, "title", TITLE, entry)
    _check_text(data, "machineName", MACHINE_NAME, entry)
    for key in ("majorVersion", "minorVersion", "patchVersion"):
        if not _is_version(data.get(key)):
            raise _invalid(entry, key)
    if data.get("runnable") not in (0, 1) or isinstance(data.get("runnable"), bool):
        raise _invalid(entry, "runnable")
    for kind in DEPENDENCY_KINDS:
        _check_dependency_list(data, kind, entry, required=False)
    if "embedTypes" in data and (
        not isinstance(data["embedTypes"], list)
        or any(kind not in ("iframe", "div") for kind in data["embedTypes"])
    ):
        raise _invalid(entry, "embedTypes")
    ref = LibraryRef(data["machineName"], int(data["majorVersion"]), int(data["minorVersion"]))
    if folder not in (ref.machine_name, ref.folder_name):
        raise PackageRejected(
            "library-directory-name-mismatch",
            _(
                "The library folder %(folder)s does not match its library.json: expected "
                "%(expected)s."
            )
            % {"folder": folder, "expected": ref.folder_name},
            folder,
        )
    _check_core_api(data, entry)
    present = set(names)
    for kind, pattern in ASSET_PATH.items():
        if kind not in data:
            continue
        if not isinstance(data[kind], list):
            raise _invalid(entry, kind)
        for asset in data[kind]:
            path = asset.get("path") if isinstance(asset, dict) else None
            if not isinstance(path, str) or not pattern.match(path):
                raise _invalid(entry, kind)
            normalized = path.replace("\\", "/").lstrip("/")
            if ".." in normalized.split("/") or f"{folder}/{normalized}" not in present:
                raise PackageRejected(
                    "library-missing-file",
                    _("The file %(file)s is missing from the library %(folder)s.")
                    % {"file": path, "folder": folder},
                    f"{folder}/{normalized}",
                )
    semantics = None
    if f"{folder}/semantics.json" in present:
        semantics = _read_json(archive, f"{folder}/semantics.json", budget)
    for name in names:
        relative = name[len(folder) + 1 :]
        if relative.startswith("language/"):
            filename = relative[len("language/") :]
            if "/" in filename or not LANGUAGE_FILE.match(filename):
                raise PackageRejected(
                    "invalid-language-file",
                    _("Invalid language file %(entry)s.") % {"entry": name},
                    name,
                )
            _read_json(archive, name, budget)
    return PackageLibrary(
        ref=ref,
        patch=int(data["patchVersion"]),
        folder=folder,
        data=data,
        files=names,
        semantics=semantics,
    )


def _check_core_api(data: dict, entry: str) -> None:
    core_api = data.get("coreApi")
    if not core_api:
        return
    if not isinstance(core_api, dict) or not all(
        _is_version(core_api.get(key)) for key in ("majorVersion", "minorVersion")
    ):
        raise _invalid(entry, "coreApi")
    required = (int(core_api["majorVersion"]), int(core_api["minorVersion"]))
    if required > SUPPORTED_CORE_API:
        raise PackageRejected(
            "api-version-unsupported",
            _("%(entry)s needs H5P core %(required)s; the player provides %(current)s.")
            % {
                "entry": entry,
                "required": "{}.{}".format(*required),
                "current": "{}.{}".format(*SUPPORTED_CORE_API),
            },
            entry,
        )


def _check_dependencies(
    h5p_json: dict,
    libraries: dict[LibraryRef, PackageLibrary],
    installed_patch: Callable[[LibraryRef], int | None],
    may_install_libraries: bool,
    library_folders: dict[str, list[str]],
) -> None:
    """Every dependency of the content and of each library to install is present or installed."""
    wanted: dict[LibraryRef, str] = {}
    for kind in ("preloadedDependencies", "dynamicDependencies"):
        for dependency in h5p_json.get(kind, []):
            wanted.setdefault(_ref(dependency), "h5p.json")
    for library in libraries.values():
        for kind in DEPENDENCY_KINDS:
            for dependency in library.data.get(kind, []):
                wanted.setdefault(_ref(dependency), f"{library.folder}/library.json")
    missing = [
        (ref, source)
        for ref, source in wanted.items()
        if ref not in libraries and installed_patch(ref) is None
    ]
    if not missing:
        return
    source = missing[0][1]
    names = ", ".join(str(item) for item, _source in missing)
    message = _("Missing required library %(libraries)s (needed by %(entry)s).") % {
        "libraries": names,
        "entry": source,
    }
    in_package = {ref.folder_name for ref, _source in missing} | {
        ref.machine_name for ref, _source in missing
    }
    if not may_install_libraries and in_package & set(library_folders):
        message += " " + _(
            "The package brings it, but only platform staff may install new libraries."
        )
        raise PackageRejected("library-install-not-allowed", message, source)
    raise PackageRejected("missing-required-library", message, source)
