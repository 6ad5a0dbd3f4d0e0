"""Cybersource Invoicing client: every invoicing operation, three authentication schemes.

Layers (as in stripe-python): ``transport`` (sessions, timeouts, retries of reads),
``auth`` (signers that see the exact bytes sent), ``requestor`` (signing, headers, typed
errors), ``services`` (invoices, invoice settings), held by ``CybersourceClient``.
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
)
from addin_server.cybersource.models import (
    CreateResult,
    CreationMode,
    Customer,
    DeliveryModeCase,
    HistoryEvent,
    Invoice,
    InvoiceDraft,
    InvoicePage,
    InvoiceSettings,
    InvoiceStatus,
    InvoiceSummary,
    LineItem,
)
from addin_server.cybersource.transport import RetryPolicy, Timeouts, Transport

__all__ = [
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
    "Timeouts",
    "Transport",
    "UpstreamTimeoutError",
    "UpstreamUnavailableError",
    "ValidationFailedError",
    "auth_for",
    "create_invoice_once",
    "find_invoice",
    "generic_field_name",
    "load_p12_key",
    "naming_fields",
]
