"""The reports API for student information systems: `/api/v1/`, django-ninja, bearer tokens.

A token belongs to one university and gives exactly the scope that university's registrar
has on the site (`reports.access.report_scope_for_token`); no parameter can widen it. Pages
are keyset-paged by enrollment id, so deep pages cost the same as the first. Every answer
that carries rows is written to the audit log.
"""

from decimal import Decimal

from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer

from . import selectors, services
from .access import report_scope_for_token
from .filters import API_FILTER_KEYS, ReportFilterError, parse_report_filters
from .rows import ENROLLMENT_COLUMNS

DEFAULT_LIMIT = 500
MAX_LIMIT = 5000


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after


class TokenAuth(HttpBearer):
    openapi_description = "An API token created by a registrar (Reports → API tokens)."

    def authenticate(self, request: HttpRequest, token: str):
        found = services.api_token_authenticate(token)
        if found is None:
            return None
        retry_after = services.rate_limit_hit(f"token:{found.pk}")
        if retry_after is not None:
            raise RateLimited(retry_after)
        return found


api = NinjaAPI(
    title="Ilm reports API",
    version="1",
    description="Enrollment and progress reports of one university, for its student "
    "information system. Authenticate with `Authorization: Bearer <token>`.",
    urls_namespace="reports_api_v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=TokenAuth(),
)


@api.exception_handler(RateLimited)
def rate_limited(request, exc: RateLimited):
    response = api.create_response(request, {"detail": "Too many requests; slow down."}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


class EnrollmentOut(Schema):
    id: int
    learner_id: int
    student_number: str | None
    name: str | None
    email: str | None
    home_university: str | None
    program: str | None
    course: str | None
    run: int
    term: str | None
    enrolled_at: str | None
    status: str
    progress_percent: int
    lessons_completed: int
    lessons_total: int
    quiz_average: Decimal | None
    last_activity_at: str | None
    completed_at: str | None
    credits_earned: Decimal
    certificate_id: str | None
    certificate_status: str | None


class EnrollmentPage(Schema):
    university: str
    results: list[EnrollmentOut]
    next_cursor: str | None


class CourseSummaryOut(Schema):
    course_id: int
    course: str
    university: str
    enrolled: int
    active_30_days: int
    completed: int
    completion_rate: Decimal | None
    median_progress: Decimal | None
    erased_learners: int


class ProgramSummaryOut(Schema):
    program_id: int
    program: str
    lead_university: str
    learners: int
    course_enrollments: int
    courses_completed: int
    programs_completed: int
    credits_earned: Decimal
    erased_learners: int


class ErrorOut(Schema):
    detail: str


def _filters(request, scope):
    try:
        # The v1 parameters only; a course or program outside the token's scope is refused.
        return parse_report_filters(request.GET, scope=scope, keys=API_FILTER_KEYS)
    except ReportFilterError as error:
        raise HttpError(400, error.message) from None


def _positive_int(value: str | None, name: str, default: int, maximum: int) -> int:
    if value in (None, ""):
        return default
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        raise HttpError(400, f"{name}: must be a whole number.")
    number = int(value)
    if not 1 <= number <= maximum:
        raise HttpError(400, f"{name}: must be between 1 and {maximum}.")
    return number


def _audit(request, scope, kind, filters, rows, extra=None):
    token = request.auth
    services.report_audit(
        actor=token.created_by,
        scope=scope,
        kind=kind,
        fmt="json",
        filters=filters,
        rows=rows,
        channel="api",
        extra={"token": token.prefix, **(extra or {})},
    )


FILTER_DOC = (
    "Filters: `term`, `course` (page id of one of your courses), `program` (page id of "
    "one of your programs), `status` "
    "(active|withdrawn|completed), `enrolled_from`, `enrolled_to` (YYYY-MM-DD)."
)


@api.get(
    "/enrollments",
    response={200: EnrollmentPage, 400: ErrorOut},
    summary="Enrollment report rows, keyset-paged",
    description=FILTER_DOC + " Paging: pass `next_cursor` back as `cursor`; `limit` ≤ 5000.",
)
def enrollments(
    request,
    cursor: str | None = None,
    limit: str | None = None,
    term: str | None = None,
    course: str | None = None,
    program: str | None = None,
    status: str | None = None,
    enrolled_from: str | None = None,
    enrolled_to: str | None = None,
):
    scope = report_scope_for_token(request.auth)
    filters = _filters(request, scope)
    size = _positive_int(limit, "limit", DEFAULT_LIMIT, MAX_LIMIT)
    after = 0 if cursor in (None, "") else _positive_int(cursor, "cursor", 0, 10**12)
    rows = selectors.enrollment_report_rows(scope, filters, spreadsheet=False, with_key=True)
    # One row more than asked tells whether there is a next page, without a COUNT.
    page = list(rows.filter(pk__gt=after)[: size + 1])
    more = len(page) > size
    page = page[:size]
    keys = ["id", *(column.key for column in ENROLLMENT_COLUMNS)]
    results = [dict(zip(keys, row, strict=True)) for row in page]
    for result in results:
        result["certificate_id"] = (
            None if result["certificate_id"] is None else str(result["certificate_id"])
        )
        result["progress_percent"] = int(result["progress_percent"] or 0)
    _audit(request, scope, "enrollments", filters, len(results), {"cursor": after})
    return {
        "university": scope.university.code,
        "results": results,
        "next_cursor": str(page[-1][0]) if more and page else None,
    }


@api.get(
    "/summary/courses",
    response={200: list[CourseSummaryOut], 400: ErrorOut},
    summary="Per-course summary",
    description=FILTER_DOC,
)
def course_summary(request):
    scope = report_scope_for_token(request.auth)
    filters = _filters(request, scope)
    rows = selectors.course_summary(scope, filters)
    _audit(request, scope, "course_summary", filters, len(rows))
    return rows


@api.get(
    "/summary/programs",
    response={200: list[ProgramSummaryOut], 400: ErrorOut},
    summary="Per-program summary",
    description=FILTER_DOC,
)
def program_summary(request):
    scope = report_scope_for_token(request.auth)
    filters = _filters(request, scope)
    rows = selectors.program_summary(scope, filters)
    _audit(request, scope, "program_summary", filters, len(rows))
    return rows
