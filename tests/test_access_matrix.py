"""Every URL pattern of the project, requested as every role, against `tests/access_matrix.py`.

See the top of `tests/access_matrix.py` for how to add rows when this test names missing ones.
"""

import re
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from audit.models import AuditEvent
from courses.models import LessonPage
from h5p.models import H5PContent, H5PLibrary
from learning import services as learning
from tests import access_matrix as m
from tests import factories as f
from universities import roles
from xapi.services import external_lrs_create

pytestmark = pytest.mark.django_db

# A 1x1 transparent GIF.
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


@dataclass
class Pattern:
    key: str
    name: str | None
    route: str
    pattern: URLPattern


def all_patterns() -> list[Pattern]:
    found: list[Pattern] = []

    def walk(resolver, prefix="", namespace=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = namespace + (f"{entry.namespace}:" if entry.namespace else "")
                walk(entry, prefix + str(entry.pattern), ns)
            else:
                route = prefix + str(entry.pattern)
                name = f"{namespace}{entry.name}" if entry.name else None
                found.append(Pattern(name or f"route:{route}", name, route, entry))

    walk(get_resolver())
    return found


class Fixtures:
    """University A's objects (and a few of B's) that fill URL parameters."""

    def __init__(self):
        self.a = f.UniversityFactory(code="mxa", name="Matrix A")
        self.b = f.UniversityFactory(code="mxb", name="Matrix B")
        self.course_a = f.build_course(self.a, title="Matrix course A", modules=1)
        self.course_b = f.build_course(self.b, title="Matrix course B", modules=1)
        self.lesson_a = f.lessons_of(self.course_a)[0]
        module = self.module_a = self.lesson_a.get_parent().specific
        self.draft_lesson_a = LessonPage(
            title="Matrix draft lesson of A",
            slug="draft-a",
            live=False,
            body=[{"type": "rich_text", "value": "x"}],
        )
        module.add_child(instance=self.draft_lesson_a)
        self.draft_lesson_a.save_revision()
        self.run_a = f.open_run(self.course_a)
        self.run_b = f.open_run(self.course_b)
        self.users = {
            "anon": None,
            "learner_a": f.make_member("learner", self.a),
            "learner_b": f.make_member("learner", self.b),
            "instructor_a": f.make_member("instructor", self.a),
            "instructor_b": f.make_member("instructor", self.b),
            "registrar_a": f.make_member("registrar", self.a),
            "editor_b": f.make_member("editor", self.b),
            "staff": f.UserFactory(is_superuser=True, is_staff=True),
        }
        self.enrollment_a = learning.enrollment_create(
            learner=self.users["learner_a"], run=self.run_a
        )
        learning.enrollment_create(learner=self.users["learner_b"], run=self.run_b)
        self.roles_a = roles.university_roles_provision(self.a)
        collection = self.collection_a = self.roles_a.collection
        self.image_a = get_image_model().objects.create(
            title="Matrix diagram of A",
            file=ContentFile(GIF, name="diagram-a.gif"),
            collection=collection,
            uploaded_by_user=self.users["instructor_a"],
        )
        self.rendition_a = self.image_a.get_rendition("width-1")
        self.document_a = get_document_model().objects.create(
            title="Matrix handout of A",
            file=ContentFile(b"secret draft of A", name="handout-a.txt"),
            collection=collection,
            uploaded_by_user=self.users["instructor_a"],
        )
        self.audit_event_a = AuditEvent.objects.filter(university=self.a).first()
        # An activity row is enough for the admin: the chooser shows its title, never its files.
        library = H5PLibrary.objects.create(
            machine_name="H5P.MatrixQuiz",
            major_version=1,
            minor_version=0,
            patch_version=0,
            title="Matrix quiz",
            runnable=True,
            installed_path="libraries/H5P.MatrixQuiz-1.0",
        )
        self.h5p_a = H5PContent.objects.create(
            university=self.a,
            title="Matrix activity of A",
            main_library=library,
            folder="content/matrix-a",
            uploaded_by=self.users["instructor_a"],
        )
        # Each university's own LRS that statements are forwarded to (ADR 0057).
        self.lrs_a, self.lrs_b = (
            external_lrs_create(
                university=university,
                name=f"Matrix LRS of {university.code}",
                endpoint="http://127.0.0.1:9/xapi/",
                key="matrix",
                secret="matrix-secret",
            )
            for university in (self.a, self.b)
        )
        # Titles only A's people (and platform staff) may read: no answer to anyone else may
        # contain them, whatever its status code.
        self.secrets_of_a = (
            self.draft_lesson_a.title,
            self.image_a.title,
            self.document_a.title,
            self.h5p_a.title,
        )


def build_url(p: Pattern, row: m.Row, fx: Fixtures) -> str | None:
    if row.url is not None:
        return row.url(fx)
    name = p.name
    if name is None:
        return None
    kwargs = row.kwargs(fx) if row.kwargs else {}
    converters = getattr(p.pattern.pattern, "converters", {})
    for param in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", str(p.pattern.pattern)):
        param = param[0] or param[1]
        if param in kwargs:
            continue
        if param in m.DEFAULT_KWARGS:
            kwargs[param] = m.DEFAULT_KWARGS[param](fx)
        else:
            converter = converters.get(param)
            kwargs[param] = m.CONVERTER_DUMMIES.get(type(converter).__name__, "1")
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        # Names shared by several patterns, or positional regex groups.
        for args in ([], ["1"] * len(kwargs), ["x"]):
            try:
                return reverse(name, args=args)
            except NoReverseMatch:
                continue
    return None


def readable_text(response) -> str:
    """What a response tells its reader: its body and the messages it queued for the next
    page (Wagtail often refuses with a redirect and a message naming the object)."""
    body = (
        "" if getattr(response, "streaming", False) else response.content.decode(errors="replace")
    )
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = [str(message) for message in getattr(storage, "_queued_messages", [])]
    return "\n".join([body, *queued])


def observe(p: Pattern, fx, clients) -> str:
    """What the pattern answers now, per role: a starting point for its row (check it!)."""
    url = build_url(p, m.public(), fx)
    if url is None:
        return "cannot build a URL"
    seen = []
    for role in m.ROLES:
        user = fx.users[role]
        if user is not None and "_auth_user_id" not in clients[role].session:
            clients[role].force_login(user)
        seen.append(f"{role}={m.classify(clients[role].get(url))}")
    return f"{url} " + " ".join(seen)


def test_every_url_answers_every_role_as_the_matrix_says():
    fx = Fixtures()
    clients = {}
    for role, user in fx.users.items():
        # A view that crashes must show up as a 500 in the report, not stop the walk.
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        clients[role] = client

    patterns = all_patterns()
    # A "#variant" row re-requests its pattern with other parameters (object-level checks).
    variants = {key.split("#", 1)[0]: [] for key in m.ROWS if "#" in key}
    for key in m.ROWS:
        if "#" in key:
            variants[key.split("#", 1)[0]].append(key)

    missing, unbuildable, wrong, leaks = [], [], [], []
    seen = set()
    for p in patterns:
        base_row = m.ROWS.get(p.key)
        if base_row is None:
            missing.append(f"{p.key}  ({p.route})  observed: {observe(p, fx, clients)}")
            continue
        for key in [p.key, *variants.get(p.key, [])]:
            if (key, p.route) in seen:
                continue
            seen.add((key, p.route))
            row = m.ROWS.get(key, base_row)
            url = build_url(p, row, fx)
            if url is None:
                unbuildable.append(key)
                continue
            for role in m.ROLES:
                client = clients[role]
                user = fx.users[role]
                if user is not None and "_auth_user_id" not in client.session:
                    client.force_login(user)  # a URL on the way logged this client out
                query = row.query(fx) if row.query else {}
                response = getattr(client, row.method)(url, query)
                outcome = m.classify(response)
                if outcome not in row.expect[role]:
                    wrong.append(
                        f"{key} {url} as {role}: {response.status_code} ({outcome}), "
                        f"expected {sorted(row.expect[role])}"
                    )
                if role not in m.MAY_READ_A:
                    shown = [s for s in fx.secrets_of_a if s in readable_text(response)]
                    if shown:
                        leaks.append(f"{key} {url} as {role}: shows {shown}")
    stale = sorted(key for key in m.ROWS if key.split("#", 1)[0] not in {p.key for p in patterns})
    problems = []
    if missing:
        problems.append(
            "No row in tests/access_matrix.py for these URL patterns (see its top for how to "
            "add one):\n  " + "\n  ".join(sorted(missing))
        )
    if unbuildable:
        problems.append(
            "Cannot build a URL for (give the row url=...):\n  " + "\n  ".join(sorted(unbuildable))
        )
    if wrong:
        problems.append("Unexpected answers:\n  " + "\n  ".join(wrong))
    if leaks:
        problems.append(
            "University A's objects shown to people outside A (fix the view's gate):\n  "
            + "\n  ".join(leaks)
        )
    if stale:
        problems.append("Rows for URL names that no longer exist:\n  " + "\n  ".join(stale))
    assert not problems, "\n\n".join(problems)
