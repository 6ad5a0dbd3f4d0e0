"""Invoice pre-fill: from the open email to a draft invoice.

``prefill_invoice(email, context)`` is the whole engine; ``blueprint`` serves it as
``POST /api/v1/prefill``.

Limits (``engine``): bodies above ``MAX_BODY_CHARS`` (5 MiB of text) are refused
(``BodyTooLargeError``; the route answers 413). Below it the work is bounded: the first
512 KiB of HTML markup is converted, the first 256 KiB of text is split into request,
signature and history, and the first 64 KiB of the request is read for amounts, items,
dates and references.
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
from addin_server.prefill.routes import blp as blueprint

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
    "blueprint",
    "prefill_invoice",
]
