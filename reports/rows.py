"""Report rows as plain data: column definitions and the SQL expressions that compute them.

Every enrollment-report cell is computed by the database (formatting and spreadsheet
neutralization included), so the same compiled query feeds every path: the ORM iterator on
any database, and PostgreSQL's `COPY ... TO STDOUT` for large CSV files. The rows are
therefore identical whichever path produced them.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db.models import (
    Case,
    CharField,
    DecimalField,
    F,
    FilteredRelation,
    Func,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from courses.terms import Season, term_name, term_name_expression
from learning.standing import progress_percent_expression
from universities.countries import country_name as country_name_in
from universities.models import Role, University

# A cell starting with one of these is read as a formula by spreadsheet programs (OWASP
# "CSV injection"); tab and carriage return are in the list because Excel strips them first.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize_cell(value):
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class SpreadsheetSafe(Func):
    """SQL twin of `neutralize_cell`; also turns empty text into NULL, so that CSV written by
    COPY (which quotes empty strings) and by Python (which does not) have the same cells."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra_context):
        inner_sql, inner_params = compiler.compile(self.source_expressions[0])
        chr_fn = "CHR" if connection.vendor == "postgresql" else "CHAR"
        triggers = ", ".join(
            f"{chr_fn}({ord(ch)})" for ch in FORMULA_TRIGGERS
        )  # constants, not user data
        sql = (
            f"CASE WHEN SUBSTR({inner_sql}, 1, 1) IN ({triggers}) "
            f"THEN '''' || {inner_sql} ELSE NULLIF({inner_sql}, '') END"
        )
        return sql, (*inner_params, *inner_params, *inner_params)

    def as_postgresql(self, compiler, connection, **extra_context):
        # The same cells, cheaper (ADR 0047): `ascii()` is the first character's code point
        # (0 for empty text), so one integer IN list replaces SUBSTR and six text comparisons.
        inner_sql, inner_params = compiler.compile(self.source_expressions[0])
        codes = ", ".join(str(ord(ch)) for ch in FORMULA_TRIGGERS)  # constants, not user data
        sql = (
            f"CASE WHEN ascii({inner_sql}) IN ({codes}) "
            f"THEN '''' || {inner_sql} ELSE NULLIF({inner_sql}, '') END"
        )
        return sql, (*inner_params, *inner_params, *inner_params)


class IsoTimestamp(Func):
    """A timestamp as ISO 8601 text in UTC, formatted by the database."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra_context):
        inner_sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            sql = f"""to_char({inner_sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""
        elif connection.vendor == "sqlite":
            # Django stores SQLite datetimes as UTC text; strftime re-formats them.
            sql = f"strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', {inner_sql})"
        else:  # pragma: no cover - only the two databases we run are supported
            raise NotImplementedError(connection.vendor)
        return sql, params


class OneDecimalText(Func):
    """A number as text with one decimal ("5.0"), formatted by the database."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra_context):
        inner_sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"CAST(CAST({inner_sql} AS numeric(8, 1)) AS text)", params
        return f"printf('%%.1f', {inner_sql})", params


class IsoDate(Func):
    """A date as ISO 8601 text ("2026-09-01"), formatted by the database."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra_context):
        inner_sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"to_char({inner_sql}, 'YYYY-MM-DD')", params
        return f"strftime('%%Y-%%m-%%d', {inner_sql})", params


def university_name(path: str):
    """The university at `path` by its name in the active language (its `name_translations`
    entry, else its name), computed by the database so that COPY can write it."""
    language = (get_language() or "en").lower()
    return Coalesce(
        NullIf(KeyTextTransform(language, f"{path}__name_translations"), Value("")),
        F(f"{path}__name"),
        output_field=CharField(),
    )


def country_name(path: str, *, spreadsheet: bool = False):
    """The ISO country code at `path` as the country's name in the active language (CLDR,
    through Babel), as a CASE over the countries universities are in: a handful of rows, and
    still one SQL expression for COPY. A code Babel does not know stays as it is.

    `spreadsheet` gives the cell `SpreadsheetSafe` would, with the names neutralized here in
    Python (they are constants) and only an unknown code guarded by the database."""
    names = country_names(University.objects.values_list("country", flat=True).distinct())
    default = SpreadsheetSafe(F(path)) if spreadsheet else F(path)
    safe = neutralize_cell if spreadsheet else (lambda name: name)
    whens = [When(**{path: code}, then=Value(safe(name) or None)) for code, name in names.items()]
    if not whens:
        return default
    return Case(*whens, default=default, output_field=CharField())


def term_is_safe() -> bool:
    """Whether every term name `courses.terms.term_name_expression` can produce in the active
    language is a non-empty cell no spreadsheet reads as a formula, so that it needs no guard.
    A name is its season's words around the year, or the year alone, and a year is digits
    (a positive integer column): the words before the year decide, whatever the year."""
    names = [term_name(season, 2000) for season in Season.values]
    return all(name and neutralize_cell(name) == name for name in names)


def country_names(codes, language: str | None = None) -> dict[str, str]:
    """{ISO code: name in `language` (default: the active one)}, for each non-empty code."""
    return {code: country_name_in(code, language) for code in codes if code}


# Sort orders a person may pick for the enrollment export (key: label, ORM ordering). The id
# is always last, so equal names keep a stable order; the API pages by id and ignores these.
SORT_ORDERS = {
    "": (_("Enrollment, oldest first"), ("pk",)),
    "name": (_("Learner name"), ("learner__full_name", "pk")),
    "course": (_("Course, then run"), ("run__course__title", "run__starts_on", "pk")),
    "-enrolled_at": (_("Enrollment, newest first"), ("-enrolled_at", "-pk")),
}


@dataclass(frozen=True)
class Column:
    key: str
    label: str


ENROLLMENT_COLUMNS = [
    Column("learner_id", _("Learner id")),
    Column("student_number", _("Student number")),
    Column("name", _("Name")),
    Column("email", _("Email")),
    Column("home_university", _("Home university")),
    Column("program", _("Program")),
    Column("course", _("Course")),
    Column("run", _("Run")),
    Column("term", _("Term")),
    Column("enrolled_at", _("Enrolled at")),
    Column("status", _("Status")),
    Column("progress_percent", _("Progress %")),
    Column("lessons_completed", _("Lessons completed")),
    Column("lessons_total", _("Lessons total")),
    Column("quiz_average", _("Quiz average")),
    Column("last_activity_at", _("Last activity")),
    Column("completed_at", _("Completed at")),
    Column("credits_earned", _("Credits earned")),
    Column("certificate_id", _("Certificate id")),
    Column("certificate_status", _("Certificate status")),
]
# The spreadsheet export (CSV, XLSX) reads as a registrar does: the home university by name
# with its country, the run by its dates. The API keeps ENROLLMENT_COLUMNS (ids and codes a
# student information system matches on).
EXPORT_COLUMNS = [
    Column("learner_id", _("Learner id")),
    Column("student_number", _("Student number")),
    Column("name", _("Name")),
    Column("email", _("Email")),
    Column("home_university_name", _("Home university")),
    Column("home_country", _("Home country")),
    Column("program", _("Program")),
    Column("course", _("Course")),
    Column("term", _("Term")),
    Column("run_starts_on", _("Run starts")),
    Column("run_ends_on", _("Run ends")),
    *ENROLLMENT_COLUMNS[9:],
]
TEXT_COLUMNS = {
    "student_number",
    "name",
    "email",
    "home_university",
    "home_university_name",
    "home_country",
    "program",
    "course",
    "term",
}


def credential_model():
    """`certificates.Credential` if that app has its models, else None (reports work without)."""
    try:
        model = apps.get_model("certificates", "Credential")
    except LookupError:
        return None
    field_names = {f.name for f in model._meta.get_fields()}
    return model if {"enrollment", "revoked"} <= field_names else None


def _certificate_expressions(queryset: QuerySet) -> tuple[QuerySet, dict]:
    model = credential_model()
    if model is None:
        none = Value(None, output_field=CharField())
        return queryset, {"certificate_id": none, "certificate_status": none}
    related = model._meta.get_field("enrollment").related_query_name()
    condition = Q()
    if "kind" in {f.name for f in model._meta.get_fields()}:
        condition = Q(**{f"{related}__kind": "course"})
    queryset = queryset.annotate(report_cert=FilteredRelation(related, condition=condition))
    return queryset, {
        "certificate_id": Cast("report_cert__pk", output_field=CharField()),
        "certificate_status": Case(
            When(report_cert__pk__isnull=True, then=Value(None, output_field=CharField())),
            When(report_cert__revoked=True, then=Value("revoked")),
            default=Value("valid"),
            output_field=CharField(),
        ),
    }


# The join of each learner's home (learner) membership in the enrollment rows.
HOME = "report_home"


def enrollment_rows(
    queryset: QuerySet,
    *,
    university_id: int,
    spreadsheet: bool,
    in_scope: Q | None = None,
    escape: bool = True,
    with_key: bool = False,
    sort: str = "",
) -> QuerySet:
    """The enrollment report: `queryset` (filtered) as value tuples in `EXPORT_COLUMNS` order
    for spreadsheets, `ENROLLMENT_COLUMNS` order for JSON.

    `in_scope` restricts the rows and may refer to the learner's home membership as `HOME`
    (`ReportScope.home_or_course_filter`); without it, `queryset` must already be scoped.

    `spreadsheet` neutralizes formula-like text for CSV/XLSX; JSON gets the raw text.
    (`escape=False` leaves spreadsheet text raw: only the benchmark's yardstick wants that.)
    `with_key` puts the enrollment id first in each tuple (the API's paging cursor), and the
    rows are then ordered by it whatever `sort` says; otherwise `sort` is a `SORT_ORDERS` key.
    """
    queryset = queryset.annotate(
        **{
            HOME: FilteredRelation(
                "learner__memberships", condition=Q(learner__memberships__role=Role.LEARNER)
            )
        }
    )
    if in_scope is not None:
        queryset = queryset.filter(in_scope)
    queryset, certificate = _certificate_expressions(queryset)
    # Spreadsheet cells are guarded against formulas (`SpreadsheetSafe`) where a value can
    # start with a formula character, and only there (ADR 0047): each guard costs the database
    # a second evaluation of its expression per row.
    escape = spreadsheet and escape
    guard = SpreadsheetSafe if escape else (lambda expression: expression)
    text = {
        # The scope university's own student number: only for its own students.
        "student_number": Case(
            When(
                report_home__university_id=university_id,
                then=guard(F("report_home__student_number")),
            ),
            default=Value(None if escape else ""),
            output_field=CharField(),
        ),
        "name": guard(F("learner__full_name")),
        "email": guard(F("learner__email")),
        "home_university": guard(F("report_home__university__code")),
        "home_university_name": guard(university_name("report_home__university")),
        "home_country": country_name("report_home__university__country", spreadsheet=escape),
        "program": guard(F("program_enrollment__program__title")),
        "course": guard(F("run__course__title")),
        "term": term_name_expression("run__season", "run__year"),
    }
    if escape and not term_is_safe():
        text["term"] = SpreadsheetSafe(text["term"])
    computed = {
        **text,
        "enrolled_at": IsoTimestamp("enrolled_at"),
        "run_starts_on": IsoDate("run__starts_on"),
        "run_ends_on": IsoDate("run__ends_on"),
        # The same rule the pages apply (ADR 0042): 100 only when no lesson is left.
        "progress_percent": progress_percent_expression(),
        "last_activity_at": IsoTimestamp("last_activity_at"),
        "completed_at": IsoTimestamp("completed_at"),
        "credits_earned": OneDecimalText(
            Case(
                When(status="completed", then=F("outline__ects_credits")),
                default=Value(Decimal("0.0")),
                output_field=DecimalField(max_digits=4, decimal_places=1),
            )
        ),
        **certificate,
    }
    columns = EXPORT_COLUMNS if spreadsheet else ENROLLMENT_COLUMNS
    keys = {column.key for column in columns}
    aliases = {f"c_{key}": expr for key, expr in computed.items() if key in keys}
    fields = ["pk"] if with_key else []
    for column in columns:
        if column.key == "learner_id":
            fields.append("learner_id")
        elif column.key == "run":
            fields.append("run_id")
        elif column.key in ("status", "lessons_completed", "lessons_total", "quiz_average"):
            fields.append(column.key)
        else:
            fields.append(f"c_{column.key}")
    ordering = ("pk",) if with_key else SORT_ORDERS.get(sort, SORT_ORDERS[""])[1]
    return queryset.annotate(**aliases).order_by(*ordering).values_list(*fields)


def header(columns: list[Column]) -> list[str]:
    return [str(column.label) for column in columns]


__all__ = [
    "ENROLLMENT_COLUMNS",
    "EXPORT_COLUMNS",
    "HOME",
    "SORT_ORDERS",
    "TEXT_COLUMNS",
    "Column",
    "enrollment_rows",
    "header",
    "neutralize_cell",
]
