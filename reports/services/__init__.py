"""Every write of the reports app, one module per concept: `streams` (building a report file
and the audit record of each export), `exports` (background jobs into private storage),
`schedules` (weekly reports), `tokens` (API tokens) and `rate_limit` (the API's limiter).

Report contents come from `reports.selectors`, always through a `ReportScope` from
`reports.access`; nothing here decides who may see what. Refusals raise `ReportError`.
"""

from ..errors import ReportError
from .exports import (
    export_job_request,
    export_job_run,
    export_jobs_expire,
    export_jobs_recover,
    job_file_path,
)
from .rate_limit import rate_limit_hit
from .schedules import scheduled_report_create, scheduled_report_delete, scheduled_reports_run_due
from .streams import (
    CONTENT_TYPES,
    StreamedReport,
    report_audit,
    report_chunks,
    report_filename,
    report_kind_and_format,
    report_preview_count,
    report_row_count,
    report_stream,
)
from .tokens import (
    TOKEN_PREFIX,
    api_token_authenticate,
    api_token_create,
    api_token_default_days,
    api_token_revoke,
    api_tokens_cut,
    token_digest,
)

__all__ = [
    "CONTENT_TYPES",
    "TOKEN_PREFIX",
    "ReportError",
    "StreamedReport",
    "api_token_authenticate",
    "api_token_create",
    "api_token_default_days",
    "api_token_revoke",
    "api_tokens_cut",
    "export_job_request",
    "export_job_run",
    "export_jobs_expire",
    "export_jobs_recover",
    "job_file_path",
    "rate_limit_hit",
    "report_audit",
    "report_chunks",
    "report_filename",
    "report_kind_and_format",
    "report_preview_count",
    "report_row_count",
    "report_stream",
    "scheduled_report_create",
    "scheduled_report_delete",
    "scheduled_reports_run_due",
    "token_digest",
]
