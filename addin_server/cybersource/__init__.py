"""Cybersource Invoicing client: every invoicing operation, three authentication schemes.

Layers (as in stripe-python): ``transport`` (sessions, per-attempt timeouts and a deadline
per call, retries of reads honouring ``Retry-After``), ``auth`` (signers that see the exact
bytes sent), ``requestor`` (signing, headers, typed errors), ``services`` (invoices, invoice
settings), held by ``CybersourceClient``. The client knows nothing of the application: it is
given credentials, an ``Endpoint`` (base URL, signing host) and ``Timeouts``. It raises
``CybersourceError`` subclasses, never HTTP problems (``addin_server.upstream_problems``
turns them into problems; ``naming_fields`` says what the caller calls Cybersource's fields).
``idempotent.create_invoice_once`` creates an invoice exactly once across lost answers.
The sandbox simulator is in ``addin_server.dev.simulator``.
"""

from addin_server.cybersource.auth import (
    Authenticator,
    HttpSignatureAuth,
    JwtOptions,
    JwtP12Auth,
    JwtSharedSecretAuth,
    MethodCase,
    SignableRequest,
    SignatureDateHeader,
    auth_for,
    load_p12_key,
)
from addin_server.cybersource.client import CybersourceClient, Endpoint, Environment
from addin_server.cybersource.credentials import (
    Credentials,
    P12Credentials,
    SharedSecretCredentials,
    SharedSecretScheme,
)
from addin_server.cybersource.errors import (
    ActionNotAllowedError,
    AuthenticationFailedError,
    CybersourceError,
    DuplicateInvoiceError,
    FieldIssue,
    FieldNames,
    InvalidCredentialsError,
    NotFoundError,
    RateLimitedError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
    ValidationFailedError,
    generic_field_name,
    naming_fields,
)
from addin_server.cybersource.idempotent import (
    IntentStore,
    OutcomeUnknownError,
    create_invoice_once,
    find_invoice,
    payload_digest,
)
from addin_server.cybersource.limits import MAX_LINE_ITEMS, MAX_QUANTITY
from addin_server.cybersource.models import (
    CreateResult,
    CreationMode,
    Customer,
    DeliveryModeCase,
    Freight,
    HistoryEvent,
    Invoice,
    InvoiceDraft,
    InvoicePage,
    InvoiceSettings,
    InvoiceStatus,
    InvoiceSummary,
    LineItem,
    TaxDetails,
)
from addin_server.cybersource.transport import (
    RetryPolicy,
    Timeouts,
    Transport,
    UpstreamCall,
    observe_calls,
)
from addin_server.cybersource.webhook_setup import (
    INVOICING_EVENTS,
    SigningKey,
    Subscription,
    WebhookSetupService,
)

__all__ = [
    "INVOICING_EVENTS",
    "MAX_LINE_ITEMS",
    "MAX_QUANTITY",
    "ActionNotAllowedError",
    "AuthenticationFailedError",
    "Authenticator",
    "CreateResult",
    "CreationMode",
    "Credentials",
    "Customer",
    "CybersourceClient",
    "CybersourceError",
    "DeliveryModeCase",
    "DuplicateInvoiceError",
    "Endpoint",
    "Environment",
    "FieldIssue",
    "FieldNames",
    "Freight",
    "HistoryEvent",
    "HttpSignatureAuth",
    "IntentStore",
    "InvalidCredentialsError",
    "Invoice",
    "InvoiceDraft",
    "InvoicePage",
    "InvoiceSettings",
    "InvoiceStatus",
    "InvoiceSummary",
    "JwtOptions",
    "JwtP12Auth",
    "JwtSharedSecretAuth",
    "LineItem",
    "MethodCase",
    "NotFoundError",
    "OutcomeUnknownError",
    "P12Credentials",
    "RateLimitedError",
    "RetryPolicy",
    "SharedSecretCredentials",
    "SharedSecretScheme",
    "SignableRequest",
    "SignatureDateHeader",
    "SigningKey",
    "Subscription",
    "TaxDetails",
    "Timeouts",
    "Transport",
    "UpstreamCall",
    "UpstreamTimeoutError",
    "UpstreamUnavailableError",
    "ValidationFailedError",
    "WebhookSetupService",
    "auth_for",
    "create_invoice_once",
    "find_invoice",
    "generic_field_name",
    "load_p12_key",
    "naming_fields",
    "observe_calls",
    "payload_digest",
]
