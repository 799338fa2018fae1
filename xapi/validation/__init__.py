"""Statement validation for xAPI 1.0.3 (Part Two, "Data") and 2.0.0 (IEEE 9274.1.1), as
plain Python; `validate_statement(..., version=)` says which (ADR 0045).

One module per part of the specification: `serialization` (strict JSON the store can hold),
`formats` (UUIDs, IRIs, language tags), `timestamps` (timestamps and durations), `actors`,
`objects` (verbs, activities and their definitions, StatementRefs), `result`, `context`,
`attachments`, `authority`, `statements` (the structure of a Statement and of a batch) and
`comparison` (when two Statements are the same). `checks` holds the small structural checks
they share.

Every rejection raises `XAPIError` carrying the HTTP status the specification names (400 for
malformed data) and a message that points at the offending property, so a Learning Record
Provider can fix its data. Nothing here knows about requests or the database:
`protocol.xapi_endpoint` translates `XAPIError` into an HTTP answer, and the resources and
services call these functions before anything is written.

The names imported below are the package's interface; other apps import them from here.
"""

from ..errors import XAPIError
from .actors import (
    IFI_KEYS,
    agent_ifi,
    parse_agent_parameter,
    validate_actor,
    validate_agent,
    validate_group,
)
from .attachments import SIGNATURE_USAGE_TYPE, validate_attachment
from .checks import check_language_map
from .comparison import statements_match
from .context import CONTEXT_ACTIVITY_KINDS, validate_context
from .formats import is_iri, is_language_tag, is_uuid
from .objects import (
    validate_activity,
    validate_activity_definition,
    validate_statement_ref,
    validate_verb,
)
from .result import validate_result
from .serialization import parse_json
from .statements import (
    STATEMENT_VERSION_DEFAULT,
    VOIDED_VERB,
    validate_statement,
    validate_statement_batch,
)
from .timestamps import format_timestamp, is_duration, parse_timestamp

__all__ = [
    "CONTEXT_ACTIVITY_KINDS",
    "IFI_KEYS",
    "SIGNATURE_USAGE_TYPE",
    "STATEMENT_VERSION_DEFAULT",
    "VOIDED_VERB",
    "XAPIError",
    "agent_ifi",
    "check_language_map",
    "format_timestamp",
    "is_duration",
    "is_iri",
    "is_language_tag",
    "is_uuid",
    "parse_agent_parameter",
    "parse_json",
    "parse_timestamp",
    "statements_match",
    "validate_activity",
    "validate_activity_definition",
    "validate_actor",
    "validate_agent",
    "validate_attachment",
    "validate_context",
    "validate_group",
    "validate_result",
    "validate_statement",
    "validate_statement_batch",
    "validate_statement_ref",
    "validate_verb",
]
