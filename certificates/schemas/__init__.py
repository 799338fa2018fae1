"""1EdTech's Open Badges 3.0 JSON Schema, bundled, and the check that our credentials meet it.

Wallets and 1EdTech's own validator test an Open Badges credential against the JSON Schema the
specification publishes, so a credential that fails it is refused elsewhere however good its
signature. The issuing service runs this check on every credential before storing it (a
stored credential can never be changed); the tests run it on course and program credentials
issued the real way, from completion to signed JSON.

The schema is the specification's edition for VC Data Model 2.0 (OB 3.0.3: `validFrom`,
`proof` as an array); the older edition still found in many copies requires VC 1.1's
`issuanceDate` and fits no VC 2.0 credential. Like the JSON-LD contexts it is never fetched:
`manifest.json` records its SHA-256 and a copy that does not match is refused.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft201909Validator

from ..pinned_files import load_pinned_documents

SCHEMAS_DIR = Path(__file__).resolve().parent

ACHIEVEMENT_CREDENTIAL_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json-ld/"
    "ob_v3p0_achievementcredential_schema.json"
)

# jsonschema's messages quote the offending value: a whole credential in one line helps nobody.
_MESSAGE_LIMIT = 240


class SchemaError(Exception):
    """A schema is not bundled, or its bundled copy does not match the manifest."""


@cache
def bundled_schemas() -> dict[str, dict]:
    """Return {schema id: parsed schema}, after checking every file's hash."""
    return load_pinned_documents(SCHEMAS_DIR, kind="schema", error=SchemaError)


def bundled_schema(schema_id: str) -> dict:
    """The parsed schema published as `schema_id`."""
    try:
        return bundled_schemas()[schema_id]
    except KeyError:
        raise SchemaError(f"schema {schema_id!r} is not bundled with Ilm") from None


@cache
def _achievement_credential_validator() -> Draft201909Validator:
    schema = bundled_schema(ACHIEVEMENT_CREDENTIAL_SCHEMA)
    Draft201909Validator.check_schema(schema)
    format_checker = Draft201909Validator.FORMAT_CHECKER
    # jsonschema checks "date-time" only when rfc3339-validator is installed and otherwise
    # passes every string: refuse to run a check that would quietly be weaker than the schema.
    if "date-time" not in format_checker.checkers:
        raise SchemaError("rfc3339-validator is missing: dates would go unchecked")
    return Draft201909Validator(schema, format_checker=format_checker)


def achievement_credential_problems(document: object) -> list[str]:
    """Every way `document` departs from the OB 3.0 AchievementCredential schema.

    Each problem is `<JSON path>: <what is wrong>`, sorted by path; an empty list means the
    credential conforms. Embedded endorsements are checked too: the schema describes them.
    """
    validator = _achievement_credential_validator()
    try:
        errors = sorted(validator.iter_errors(document), key=lambda error: error.json_path)
    except RecursionError:
        # The schema recurses (a Profile's parentOrg is a Profile): a hostile file nested a
        # few hundred levels deep exhausts the stack. That is an answer, not a crash.
        return ["$: nested too deeply to check against the schema"]
    return [f"{error.json_path}: {_readable(error)}" for error in errors]


def _readable(error) -> str:
    if len(error.message) <= _MESSAGE_LIMIT:
        return error.message
    # The message quotes the whole offending value; name the rule it breaks instead.
    rule = json.dumps(error.validator_value, ensure_ascii=False)
    if len(rule) > _MESSAGE_LIMIT // 2:
        rule = rule[: _MESSAGE_LIMIT // 2 - 1] + "…"
    return f"does not satisfy {error.validator!r}: {rule}"
