"""The access matrix: what every URL pattern of the project answers to every kind of person.

`tests/test_access_matrix.py` walks `django.urls.get_resolver()` recursively, builds a URL
for every pattern (filling its parameters with ids of University A's objects), requests it
as each role in `ROLES` and compares the answer with the row for that pattern here. A
pattern with no row (and no family rule) fails the test, listing its key.

How to add a URL (do this whenever a test run says "no row for ..."):

1. Find the key the failure prints: "namespace:name" for named patterns, or
   "route:<full regex/route>" for unnamed ones.
2. Add a row to `ROWS` with one of the helpers below, e.g.
       "reports:export": login_required(ok=STAFF_OF_A | {"staff"}),
   A row says, per role, which outcomes are acceptable (see `classify`): OK (2xx), REDIRECT
   (3xx elsewhere), LOGIN (3xx to a login page), DENIED (401/403/404), INVALID (400, 405,
   409, 410, 415, 422). A 5xx (ERROR) is acceptable only where a row names it.
3. If the URL has parameters, say which fixture object fills them: `kwargs=lambda fx: {...}`
   (fx is `tests.test_access_matrix.Fixtures`: fx.run_a, fx.lesson_a, fx.enrollment_a, ...).
   Without it, parameters get ids of A's objects by name (`DEFAULT_KWARGS`) or dummy values
   by converter type. For a pattern that cannot be reversed, give `url=lambda fx: "/..."`.
4. Object-level rules belong here too: give the row A's object and make sure B's people are
   DENIED, never OK.

There is no default row: every pattern, every admin page and chooser step included, has its
own, so a new URL fails the test until someone decides who may open it. The admin's rows live
in `tests/access_matrix_admin.py`, stated with the named helpers below.

Beyond status codes, no answer to anyone outside University A (see `MAY_READ_A`) may contain
the titles of A's private objects (`Fixtures.secrets_of_a`: a draft lesson, an image, a
document, an H5P activity), in its body or in the messages it queues for the next page: a
view that answers 200 (or refuses with a message) but names A's object fails as a leak.
"""

from collections.abc import Callable
from dataclasses import dataclass

ROLES = (
    "anon",
    "learner_a",
    "learner_b",
    "instructor_a",
    "instructor_b",
    "registrar_a",
    "editor_b",
    "staff",
)
AUTHENTICATED = frozenset(ROLES) - {"anon"}
EVERYONE = frozenset(ROLES)

OK = "ok"
REDIRECT = "redirect"
LOGIN = "login"
DENIED = "denied"
INVALID = "invalid"
ERROR = "error"

LOGIN_PATHS = ("/accounts/login/", "/admin/login/")
ADMIN_HOME = "/admin/"


def classify(response) -> str:
    code = response.status_code
    if code >= 500:
        return ERROR
    if 300 <= code < 400:
        location = response.get("Location", "")
        if any(p in location for p in LOGIN_PATHS):
            return LOGIN
        # Wagtail refuses by redirecting to the admin home with "Sorry, you do not have
        # permission"; that is a refusal, not a redirect to content.
        return DENIED if location == ADMIN_HOME else REDIRECT
    if 200 <= code < 300:
        return OK
    if code in (401, 403, 404):
        return DENIED
    return INVALID


@dataclass
class Row:
    expect: dict[str, frozenset]
    kwargs: Callable | None = None
    url: Callable | None = None
    method: str = "get"
    # Query parameters, e.g. a chooser's `?id=` (fx -> dict).
    query: Callable | None = None

    def __or__(self, overrides: dict) -> "Row":
        """`row | {"staff": {OK}}`: the same row with some roles' expectations replaced."""
        expect = {**self.expect, **{r: frozenset(v) for r, v in overrides.items()}}
        return Row(expect, self.kwargs, self.url, self.method, self.query)


def row(
    default=frozenset({DENIED}), *, kwargs=None, url=None, method="get", query=None, **per_role
) -> Row:
    """Build a row: `per_role` maps role names to sets of acceptable outcomes; roles not
    named get `default`."""
    unknown = set(per_role) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    expect = {r: frozenset(per_role.get(r, default)) for r in ROLES}
    return Row(expect=expect, kwargs=kwargs, url=url, method=method, query=query)


def public(*outcomes, **kw) -> Row:
    """Open to everyone, with the same outcome(s)."""
    return row(frozenset(outcomes or {OK}), **kw)


def login_required(ok=AUTHENTICATED, denied=None, **kw) -> Row:
    """Anonymous people are sent to log in; roles in `ok` get the page, the rest are denied."""
    per_role = {"anon": {LOGIN}}
    for r in AUTHENTICATED:
        per_role[r] = {OK} if r in ok else (denied or {DENIED})
    return row(**per_role, **kw)


def admin(ok_roles, *, others=frozenset({DENIED, REDIRECT}), **kw) -> Row:
    """A Wagtail admin view on an object: `ok_roles` may open it, the rest of the admin
    users are refused (Wagtail refuses by redirecting to the dashboard with a message, or
    with 403/404), people without admin access are sent to log in."""
    per_role = {}
    for r in ROLES:
        if r in ok_roles:
            per_role[r] = {OK}
        elif r in ADMIN_USERS:
            per_role[r] = others
        else:
            per_role[r] = {LOGIN, DENIED} if r != "anon" else {LOGIN}
    return row(**per_role, **kw)


ADMIN_USERS = frozenset({"instructor_a", "instructor_b", "editor_b", "staff"})
STAFF_OF_A = frozenset({"instructor_a"})

# The only roles that may read University A's private objects (see the module docstring).
MAY_READ_A = frozenset({"instructor_a", "staff"})

# Parameters filled by name from University A's fixture objects.
DEFAULT_KWARGS: dict[str, Callable] = {
    "run_id": lambda fx: fx.run_a.pk,
    "enrollment_id": lambda fx: fx.enrollment_a.pk,
    "lesson_id": lambda fx: fx.lesson_a.pk,
    "page_id": lambda fx: fx.draft_lesson_a.pk,
    "parent_page_id": lambda fx: fx.course_a.pk,
    "code": lambda fx: fx.a.code,
    "lrs_id": lambda fx: fx.lrs_a.pk,
    # allauth's SAML "organization slug": a university code (A has no SAML sign-in).
    "organization_slug": lambda fx: fx.a.code,
    "image_id": lambda fx: fx.image_a.pk,
    "document_id": lambda fx: fx.document_a.pk,
    "doc_id": lambda fx: fx.document_a.pk,
    "page_to_move_id": lambda fx: fx.draft_lesson_a.pk,
    "destination_id": lambda fx: fx.module_a.pk,
    "page_pk": lambda fx: fx.draft_lesson_a.pk,
    "object_id": lambda fx: fx.draft_lesson_a.pk,
    "revision_id": lambda fx: fx.draft_lesson_a.latest_revision_id,
    "collection_id": lambda fx: fx.collection_a.pk,
    "workflow_pk": lambda fx: fx.roles_a.workflow.pk,
    "task_id": lambda fx: fx.roles_a.approval_task.pk,
    "content_type_app_name": lambda fx: "courses",
    "content_type_model_name": lambda fx: "lessonpage",
    "app_label": lambda fx: "wagtailcore",
    "model_name": lambda fx: "page",
    "filter_spec": lambda fx: "width-1",
    # An id no object has: generic admin views must answer "not found", never crash.
    "pk": lambda fx: 999999,
}
# Dummy values by converter, for parameters no fixture object names.
CONVERTER_DUMMIES = {
    "IntConverter": "1",
    "StringConverter": "x",
    "SlugConverter": "x",
    "PathConverter": "x",
    "UUIDConverter": "00000000-0000-0000-0000-000000000000",
}

_LEARNER_PAGES = frozenset(AUTHENTICATED)
_SITE_STAFF_OF_A = frozenset({"instructor_a", "staff"})
_SITE_STAFF_OF_B = frozenset({"instructor_b", "editor_b", "staff"})
_ANY_NON_ERROR = frozenset({OK, REDIRECT, LOGIN, DENIED, INVALID})

# A POST by A's registrar (or platform staff) succeeds and redirects; everyone else is refused.
_REGISTRAR_OF_A_POSTS = row(
    {DENIED}, anon={LOGIN}, registrar_a={REDIRECT}, staff={REDIRECT}, method="post"
)
_LRS_OF_B_POSTS = row(
    {DENIED},
    anon={LOGIN},
    method="post",
    kwargs=lambda fx: {"code": fx.a.code, "lrs_id": fx.lrs_b.pk},
)

ROWS: dict[str, Row] = {
    # --- Instructor tools (teaching) ---------------------------------------------------
    "teaching:runs": login_required(),
    "teaching:roster": login_required(ok=_SITE_STAFF_OF_A),
    "teaching:roster_csv": login_required(ok=_SITE_STAFF_OF_A),
    "teaching:gradebook": login_required(ok=_SITE_STAFF_OF_A),
    "teaching:gradebook_csv": login_required(ok=_SITE_STAFF_OF_A),
    "teaching:gradebook_xlsx": login_required(ok=_SITE_STAFF_OF_A),
    "teaching:quiz_analysis": login_required(ok=_SITE_STAFF_OF_A),
    "teaching:announcements": login_required(ok=_SITE_STAFF_OF_A),
    "teaching:bulk_enrollment": login_required(ok=_SITE_STAFF_OF_A | {"registrar_a"}),
    # Object level: B's run asked for by id by A's people.
    "teaching:roster#run_b": login_required(
        ok=_SITE_STAFF_OF_B, kwargs=lambda fx: {"run_id": fx.run_b.pk}
    ),
    "teaching:roster_csv#run_b": login_required(
        ok=_SITE_STAFF_OF_B, kwargs=lambda fx: {"run_id": fx.run_b.pk}
    ),
    "teaching:gradebook#run_b": login_required(
        ok=_SITE_STAFF_OF_B, kwargs=lambda fx: {"run_id": fx.run_b.pk}
    ),
    "teaching:gradebook_csv#run_b": login_required(
        ok=_SITE_STAFF_OF_B, kwargs=lambda fx: {"run_id": fx.run_b.pk}
    ),
    "teaching:gradebook_xlsx#run_b": login_required(
        ok=_SITE_STAFF_OF_B, kwargs=lambda fx: {"run_id": fx.run_b.pk}
    ),
    "teaching:bulk_enrollment#run_b": login_required(
        ok=_SITE_STAFF_OF_B, kwargs=lambda fx: {"run_id": fx.run_b.pk}
    ),
    # --- Course runs in the admin: editors of the run's university and platform staff ----
    "course_runs:index": admin({"editor_b", "staff"}),
    "course_runs:index_results": admin({"editor_b", "staff"}),
    "course_runs:add": admin({"editor_b", "staff"}),
    "course_runs:edit": admin({"staff"}, kwargs=lambda fx: {"pk": fx.run_a.pk}),
    "course_runs:delete": admin({"staff"}, kwargs=lambda fx: {"pk": fx.run_a.pk}),
    "course_runs:inspect": admin({"staff"}, kwargs=lambda fx: {"pk": fx.run_a.pk}),
    "course_runs:history": admin({"staff"}, kwargs=lambda fx: {"pk": fx.run_a.pk}),
    "course_runs:history_results": admin({"staff"}, kwargs=lambda fx: {"pk": fx.run_a.pk}),
    "course_runs:usage": admin({"staff"}, kwargs=lambda fx: {"pk": fx.run_a.pk}),
    # --- Wagtail admin, object level ------------------------------------------------------
    "wagtailadmin_pages:edit": admin({"instructor_a", "staff"}),
    "wagtailadmin_pages:history": admin({"instructor_a", "staff"}),
    "wagtailadmin_pages:preview_on_edit": admin(
        {"instructor_a", "staff"}, others=frozenset({DENIED, REDIRECT, INVALID})
    ),
    # A course has one subpage type, so the allowed get sent straight to its add form.
    "wagtailadmin_pages:add_subpage": admin(
        {"instructor_a", "staff"}, kwargs=lambda fx: {"parent_page_id": fx.course_a.pk}
    )
    | {"instructor_a": {REDIRECT}, "staff": {REDIRECT}},
    # Instructors may delete drafts in their own university (Wagtail: "change" on a draft).
    "wagtailadmin_pages:delete": admin({"instructor_a", "staff"}),
    # The draft is not live: unpublishing it sends even staff back.
    "wagtailadmin_pages:unpublish": admin(set()) | {"staff": {OK, REDIRECT, DENIED}},
    "wagtailadmin_pages:move": admin(
        {"instructor_a", "staff"}, kwargs=lambda fx: {"page_to_move_id": fx.draft_lesson_a.pk}
    ),
    "wagtailadmin_pages:copy": admin({"instructor_a", "staff"}),
    "wagtailadmin_explore": admin(
        {"instructor_a", "staff"}, kwargs=lambda fx: {"parent_page_id": fx.course_a.pk}
    ),
    "wagtailimages:edit": admin(
        {"instructor_a", "staff"}, kwargs=lambda fx: {"image_id": fx.image_a.pk}
    ),
    # The uploader (instructor_a) may delete what they uploaded ("add" on the collection).
    "wagtailimages:delete": admin({"instructor_a", "staff"}),
    "wagtaildocs:edit": admin({"instructor_a", "staff"}),
    "wagtaildocs:delete": admin({"instructor_a", "staff"}),
    "wagtailimages_chooser:chosen": admin(
        {"instructor_a", "staff"}, kwargs=lambda fx: {"pk": fx.image_a.pk}
    ),
    "wagtaildocs_chooser:chosen": admin(
        {"instructor_a", "staff"}, kwargs=lambda fx: {"pk": fx.document_a.pk}
    ),
    # Editors read their own universities' events (rows filtered; see audit tests).
    "audit_events:index": admin({"editor_b", "staff"}),
    "audit_events:index_results": admin({"editor_b", "staff"}),
    "audit_events:inspect": admin({"staff"}, kwargs=lambda fx: {"pk": fx.audit_event_a.pk}),
    # A's draft document, served by id: only A's people and staff.
    "wagtaildocs_serve": row(
        {DENIED},
        instructor_a={OK},
        staff={OK},
        url=lambda fx: f"/documents/{fx.document_a.pk}/{fx.document_a.filename}",
    ),
    # The gate that answers every document URL ahead of Wagtail's view (ADR 0024).
    "uploads_document": row(
        {DENIED},
        instructor_a={OK},
        staff={OK},
        url=lambda fx: f"/documents/{fx.document_a.pk}/{fx.document_a.filename}",
    ),
    # A right id with another name is refused, even to staff.
    "uploads_document#wrong_name": public(
        DENIED, url=lambda fx: f"/documents/{fx.document_a.pk}/other.txt"
    ),
    # Uploaded files by their storage name (ADR 0024): A's image is in A's collection and no
    # live page uses it, so only A's authors and staff see it, original or rendition.
    # Documents are never served by storage name, not even to staff.
    "uploads:file": row(
        {DENIED}, instructor_a={OK}, staff={OK}, url=lambda fx: fx.image_a.file.url
    ),
    "uploads:file#rendition": row(
        {DENIED}, instructor_a={OK}, staff={OK}, url=lambda fx: fx.rendition_a.url
    ),
    "uploads:file#document": public(DENIED, url=lambda fx: fx.document_a.file.url),
    "uploads:file#outside": public(DENIED, url=lambda fx: "/media/../lms/settings/base.py"),
    # Admin pages anyone may open: login, password reset, static helpers.
    # Logged-in admin users are sent on to the admin home (classified DENIED, see classify).
    "wagtailadmin_login": public(OK) | {r: {DENIED, REDIRECT} for r in ADMIN_USERS},
    "wagtailadmin_password_reset": public(OK, REDIRECT),
    "wagtailadmin_password_reset_done": public(OK, REDIRECT),
    "wagtailadmin_password_reset_confirm": public(OK, REDIRECT),
    "wagtailadmin_password_reset_complete": public(OK, REDIRECT),
    "wagtailadmin_sprite": public(OK),
    "wagtailadmin_javascript_catalog": public(OK),
    # Wagtail's "page not found" test page renders its 404 template with status 200.
    "route:admin/test404/": public(DENIED, LOGIN, url=lambda fx: "/admin/test404/")
    | {r: {OK} for r in ADMIN_USERS},
    "route:admin/^.*/$": public(DENIED, LOGIN, url=lambda fx: "/admin/no-such-thing/"),
    "wagtaildocs_authenticate_with_password": public(OK, DENIED),
    # Wagtail's deliberate "emergency broadcast" 500 page, for admin users only.
    "wagtailadmin_error_test": admin(set(), others=frozenset({ERROR, DENIED, REDIRECT}))
    | {"staff": frozenset({ERROR})},
    "course_translations": admin({"instructor_a", "instructor_b", "editor_b", "staff"}),
    # --- Learner site (learning, courses) -------------------------------------------------
    "learning:dashboard": login_required(),
    # After login: everyone signed in is sent on to where their work is (lms.navigation).
    # Editors and platform staff land on the admin home, which `classify` counts as DENIED.
    "landing": row(frozenset({REDIRECT}), anon={LOGIN}, editor_b={DENIED}, staff={DENIED}),
    # POST only: a GET is refused with 405 before anything else.
    "learning:enroll": public(INVALID, LOGIN),
    "learning:program_enroll": public(INVALID, LOGIN),
    "learning:withdraw": public(INVALID, LOGIN, DENIED),
    "learning:lesson_complete": public(INVALID, LOGIN, DENIED),
    "learning:quiz_start": public(INVALID, LOGIN, DENIED),
    "learning:quiz_submit": public(INVALID, LOGIN, DENIED),
    # --- Offline copies (ADR 0041): only the course's own enrolled learners --------------
    # learner_a is enrolled in course A; everyone else is answered "not found" (404).
    "offline:course": login_required(
        ok={"learner_a"}, kwargs=lambda fx: {"course_id": fx.course_a.pk}
    ),
    "offline:course#course_b": login_required(
        ok={"learner_b"}, kwargs=lambda fx: {"course_id": fx.course_b.pk}
    ),
    # JSON: anonymous people get 401, not a login page.
    "offline:manifest": row(
        {DENIED}, learner_a={OK}, kwargs=lambda fx: {"course_id": fx.course_a.pk}
    ),
    "offline:manifest#course_b": row(
        {DENIED}, learner_b={OK}, kwargs=lambda fx: {"course_id": fx.course_b.pk}
    ),
    # POST only: a GET is refused with 405 before anything else.
    "offline:save": public(INVALID, kwargs=lambda fx: {"course_id": fx.course_a.pk}),
    "offline:save#post": row(
        {DENIED},
        learner_a={REDIRECT},
        method="post",
        kwargs=lambda fx: {"course_id": fx.course_a.pk},
    ),
    # Who is signed in and a CSRF token; the queue's items carry their own per-item gates.
    "offline:sync": row({OK}, anon={DENIED}),
    # The "kept on this device" page holds no one's data; it is cached by the service worker.
    "offline:queued": public(OK),
    "offline_service_worker": public(OK),
    "offline_web_manifest": public(OK),
    "courses:catalogue": public(),
    "wagtail_serve": public(OK, REDIRECT, DENIED, LOGIN, url=lambda fx: fx.lesson_a.url),
    # The same page view, routed from remembered routes (courses.routing): answers first.
    "page_serve": public(OK, REDIRECT, DENIED, LOGIN, url=lambda fx: fx.lesson_a.url),
    "set_language": public(OK, REDIRECT, INVALID),
    "healthz": public(),
    # --- A learner's own data (privacy): everyone signed in sees their own, nobody else's;
    # no URL names another person. Staff see the erasure page with its refusal.
    "privacy:my_data": login_required(),
    "privacy:download_json": login_required(),
    "privacy:download_csv": login_required(),
    "privacy:erase": login_required(),
    # The data saver: a setting of the reader's own (account or, for visitors, a cookie).
    "accounts:data_saver": public(OK),
    # --- Accounts (allauth) ---------------------------------------------------------------
    "account_login": public(OK, REDIRECT),
    "account_signup": public(OK, REDIRECT),
    "account_logout": row({OK, REDIRECT}),
    "account_inactive": public(OK),
    "account_reauthenticate": row({OK, REDIRECT}, anon={LOGIN, REDIRECT}),
    "account_email": login_required(),
    "account_email_verification_sent": public(OK),
    "account_change_password": row({OK, REDIRECT}, anon={LOGIN}),
    "account_set_password": row({OK, REDIRECT}, anon={LOGIN}),
    "account_reset_password": public(OK),
    "account_reset_password_done": public(OK),
    "account_reset_password_from_key_done": public(OK),
    "account_confirm_login_code": public(OK, REDIRECT, LOGIN),
    "account_confirm_email": public(
        OK, REDIRECT, DENIED, url=lambda fx: "/en/accounts/confirm-email/bogus-key/"
    ),
    "account_reset_password_from_key": public(
        OK, REDIRECT, DENIED, url=lambda fx: "/en/accounts/password/reset/key/1-bogus/"
    ),
    # --- University sign-in (sso, allauth's socialaccount) ----------------------------------
    # The "Sign in with <University>" button: POST only (a GET starts nothing).
    "sso:begin": public(INVALID),
    # --- LTI 1.3 tool (lti): what a partner platform calls --------------------------------
    "lti:jwks": public(OK),
    # Without the platform's parameters a login starts nothing; a launch is POST only and
    # without a token is refused (400).
    "lti:login": public(INVALID),
    "lti:launch": public(INVALID),
    "lti:launch#post": public(INVALID, method="post"),
    # Dynamic registration: platform staff only; opened without the platform's query: 400.
    "lti:register": login_required(ok=set()) | {"staff": {INVALID}},
    # The deep-linking picker opens only right after a verified request in this session.
    "lti:deep_link": public(DENIED),
    # A platform context's roster: its run's teachers only (no context exists here: 404).
    "lti:roster": public(DENIED),
    "lti:deep_link#post": public(DENIED, method="post"),
    # allauth's OpenID Connect endpoints for a provider id no university has: not found.
    "openid_connect_login": public(DENIED),
    "openid_connect_callback": public(DENIED),
    # allauth's SAML endpoints (ADR 0059) for a university without a SAML IdP: not found.
    # The ACS only keeps what was posted and redirects to its finishing step, which checks.
    "saml_acs": public(REDIRECT),
    "saml_finish_acs": public(DENIED),
    "saml_sls": public(DENIED),
    "saml_metadata": public(DENIED),
    "saml_login": public(DENIED),
    # The signed-in person's own connected accounts; the connect-or-sign-up steps.
    "socialaccount_connections": login_required(),
    "socialaccount_signup": public(REDIRECT, LOGIN),
    "socialaccount_login_cancelled": public(OK),
    # allauth answers its error page with 401, whoever asks.
    "socialaccount_login_error": public(DENIED),
    # allauth's older prefix, `social/`: permanent redirects to the `3rdparty/` pages.
    **{
        f"route:en/accounts/social/{page}": public(
            REDIRECT, url=lambda fx, page=page: f"/en/accounts/social/{page}"
        )
        for page in ("connections/", "login/cancelled/", "login/error/", "signup/")
    },
}


# --- Other apps, recorded from their answers when this matrix was written --------------
# (Parameters are dummy ids, so these mostly prove "no data and no crash for a forged id";
# the owning engineers / the lead add rows with real objects at integration.)
_SEND_ON = frozenset({REDIRECT})
ROWS.update(
    {
        # Certificates: public verification; a learner's own list; unknown ids are 404.
        "certificates:achievement": public(REDIRECT, DENIED),
        "certificates:did_document": public(OK, DENIED),
        "certificates:download": row({DENIED}, anon={DENIED, LOGIN}),
        "certificates:mine": login_required(),
        # A learner's own program only; another learner's answers 404 like a missing one
        # (proved with a real program in certificates/tests/test_clr.py).
        "certificates:learner_record": row({DENIED}, anon={LOGIN}),
        "certificates:pdf": row({DENIED}, anon={DENIED, LOGIN}),
        "certificates:status_list": public(OK, DENIED),
        "certificates:verify": public(DENIED),
        "certificates:verify_json": public(DENIED),
        "certificates:verify_upload": public(OK),
        # The registrar's list of issued credentials (rows scoped to their universities; the
        # object-level isolation is proved in certificates/tests/test_registrar_views.py).
        "certificates:manage": login_required(ok={"registrar_a", "staff"}),
        # POST only: a GET is refused with 405 before anything else, for everyone.
        "certificates:settings": login_required(ok={"registrar_a", "staff"}),
        # POST-only: a GET is 405 for everyone (the saving is tested in
        # certificates/tests/test_credential_settings.py, other universities included).
        "certificates:settings_save": public(INVALID),
        "certificates:manage_revoke": public(INVALID),
        "certificates:manage_unrevoke": public(INVALID),
        # Wallets (OpenID4VCI, ADR 0050): the metadata is public; the wallet endpoints take
        # POST only, with a pre-authorised code or a bearer token, never a session.
        "wallets:issuer_metadata": public(OK),
        "wallets:authorization_server_metadata": public(OK),
        "wallets:token": public(INVALID),
        "wallets:token#post": public(INVALID, method="post"),
        "wallets:nonce": public(INVALID),
        "wallets:nonce#post": public(OK, method="post"),
        "wallets:credential": public(INVALID),
        "wallets:credential#post": public(DENIED, method="post"),
        # The offer page is the credential's own learner's only (object level in
        # wallets/tests/test_offer_page.py): a forged id is 404 to everyone, staff included.
        "wallets:offer": login_required(ok=set()),
        # H5P playback: everything is keyed by content uuid and a token.
        "h5p:keep_worker": public(DENIED),  # served only on the H5P origin (ADR 0061)
        "h5p:libraries_root": public(DENIED),
        "h5p:library_file": public(DENIED),
        "h5p:package_file": public(DENIED),
        "h5p:package_root": public(DENIED),
        "h5p:play": public(DENIED, LOGIN),
        "h5p:statements": public(INVALID, DENIED, LOGIN),
        "h5p:user_data": public(DENIED, LOGIN),
        # allauth two-factor pages: own account only.
        "mfa_activate_totp": login_required(denied={REDIRECT}, ok=set()),
        "mfa_authenticate": login_required(denied={REDIRECT}, ok=set()) | {"anon": {LOGIN, OK}},
        "mfa_deactivate_totp": login_required(ok=set(), denied={DENIED, REDIRECT}),
        "mfa_download_recovery_codes": login_required(ok=set(), denied={DENIED, REDIRECT}),
        "mfa_generate_recovery_codes": login_required(ok=set(), denied={REDIRECT, DENIED}),
        "mfa_index": login_required(),
        "mfa_reauthenticate": login_required(ok=set(), denied={REDIRECT}),
        "mfa_view_recovery_codes": login_required(ok=set(), denied={DENIED, REDIRECT}),
        # Reports API: bearer tokens only; its schema is public.
        "reports_api_v1:api-root": public(DENIED),
        "reports_api_v1:course_summary": public(DENIED),
        "reports_api_v1:enrollments": public(DENIED),
        "reports_api_v1:program_summary": public(DENIED),
        "reports_api_v1:openapi-json": public(OK),
        "reports_api_v1:openapi-view": public(OK),
        # Registrar reports on the site.
        "reports_site:dashboard": login_required(ok={"registrar_a", "staff"}),
        "reports_site:export": public(INVALID) | {"anon": {LOGIN}},
        "reports_site:job": login_required(ok=set()),
        "reports_site:job_download": login_required(ok=set()),
        "reports_site:job_status": login_required(ok=set()),
        "reports_site:schedule_delete": public(INVALID) | {"anon": {LOGIN}},
        "reports_site:schedules": login_required(ok={"registrar_a"}),
        "reports_site:token_revoke": public(INVALID) | {"anon": {LOGIN}},
        "reports_site:tokens": login_required(ok={"registrar_a"}),
        # Wagtail's front-end helpers for restricted pages.
        "wagtailcore_authenticate_with_password": public(DENIED),
        "wagtailcore_login": public(OK, REDIRECT),
        # xAPI: HTTP Basic credentials of a client; a browser session is not enough.
        "xapi:about": public(OK),
        "xapi:activities": public(INVALID, DENIED),
        "xapi:activity_profile": public(INVALID, DENIED),
        "xapi:agent_profile": public(INVALID, DENIED),
        "xapi:agents": public(INVALID, DENIED),
        "xapi:state": public(INVALID, DENIED),
        "xapi:statements": public(INVALID, DENIED),
        "xapi:clients": login_required(ok={"registrar_a", "staff"}),
        "xapi:forwarding": login_required(ok={"registrar_a", "staff"}),
        # The registrar's actions on one LRS: POST only (a GET is 405 once logged in), and
        # another university's LRS under A's code is not found, for platform staff too.
        "xapi:forwarding_retry": public(INVALID) | {"anon": {LOGIN}},
        "xapi:forwarding_retry#post": _REGISTRAR_OF_A_POSTS,
        "xapi:forwarding_retry#lrs_b": _LRS_OF_B_POSTS,
        "xapi:forwarding_reactivate": public(INVALID) | {"anon": {LOGIN}},
        "xapi:forwarding_reactivate#post": _REGISTRAR_OF_A_POSTS,
        "xapi:forwarding_reactivate#lrs_b": _LRS_OF_B_POSTS,
        "xapi:forwarding_backfill": public(INVALID) | {"anon": {LOGIN}},
        "xapi:forwarding_backfill#post": _REGISTRAR_OF_A_POSTS,
        "xapi:forwarding_backfill#lrs_b": _LRS_OF_B_POSTS,
        "xapi:retention": login_required(ok={"registrar_a", "staff"}),
        "xapi:retention#post": row(
            {DENIED},
            anon={LOGIN},
            registrar_a={REDIRECT},
            staff={REDIRECT},
            method="post",
            query=lambda fx: {"keep": "days", "days": "3650"},
        ),
    }
)


# The admin's rows, stated with the helpers above (which is why they are imported last).
from tests.access_matrix_admin import ADMIN_ROWS  # noqa: E402

assert not set(ROWS) & set(ADMIN_ROWS), set(ROWS) & set(ADMIN_ROWS)
ROWS.update(ADMIN_ROWS)
ANY_NON_ERROR = _ANY_NON_ERROR
