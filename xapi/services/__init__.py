"""Writes of the learning record store, one module per concept: `statements` (store and
void), `statement_keys` (the filter index), `activities` (canonical definitions),
`documents` (state and profiles), `clients` (LRS credentials), `forwarding` and
`forwarding_backfill` (a university's own LRS) and `erasure` (a learner's statements, and
those past the retention period).

Every public service raises `XAPIError` (with the HTTP status the specification names) when it
refuses something and runs in one transaction. Other apps import from this package: the H5P
player writes statements with `statement_store`, naming the learner and the platform with
`learner_agent` and `platform_authority` (from `xapi.identities`, re-exported here).
"""

from ..identities import (
    client_authority,
    learner_account_home_page,
    learner_agent,
    learner_id_from_agent,
    platform_authority,
)
from .clients import (
    NewClientCredentials,
    lrs_client_create,
    lrs_client_deactivate,
    lrs_clients_cut,
)
from .documents import DocumentAddress, document_delete, document_etag, document_save
from .erasure import (
    learner_statements_erase,
    statement_retention_set,
    statements_prune,
    university_retention_enforce,
)
from .forwarding import (
    external_lrs_create,
    external_lrs_deactivate,
    external_lrs_reactivate,
    forwards_retry,
)
from .forwarding_backfill import forwarding_backfill_request, forwarding_backfill_run
from .statement_keys import statement_keys
from .statements import (
    AttachmentPart,
    statement_batch_validate,
    statement_store,
    statements_store,
)

__all__ = [
    "AttachmentPart",
    "DocumentAddress",
    "NewClientCredentials",
    "client_authority",
    "document_delete",
    "document_etag",
    "document_save",
    "external_lrs_create",
    "external_lrs_deactivate",
    "external_lrs_reactivate",
    "forwarding_backfill_request",
    "forwarding_backfill_run",
    "forwards_retry",
    "learner_account_home_page",
    "learner_agent",
    "learner_id_from_agent",
    "learner_statements_erase",
    "lrs_client_create",
    "lrs_client_deactivate",
    "lrs_clients_cut",
    "platform_authority",
    "statement_batch_validate",
    "statement_keys",
    "statement_retention_set",
    "statement_store",
    "statements_prune",
    "statements_store",
    "university_retention_enforce",
]
