"""Invoice pre-fill: from the open email to a draft invoice.

``prefill_invoice(email, context)`` is the whole engine; ``routes.blp`` serves it as
``POST /api/v1/prefill``.
"""

from addin_server.prefill.engine import MAX_BODY_CHARS, BodyTooLargeError, prefill_invoice
from addin_server.prefill.models import (
    Address,
    Customer,
    DraftInvoice,
    EmailInput,
    Extracted,
    LineItem,
    MerchantContext,
    Reference,
)

__all__ = [
    "MAX_BODY_CHARS",
    "Address",
    "BodyTooLargeError",
    "Customer",
    "DraftInvoice",
    "EmailInput",
    "Extracted",
    "LineItem",
    "MerchantContext",
    "Reference",
    "prefill_invoice",
]
