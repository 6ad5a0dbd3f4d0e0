"""Invoice pre-fill: from the open email to a draft invoice.

``prefill_invoice(email, context)`` is the whole engine; ``blueprint`` serves it as
``POST /api/v1/prefill``; ``warm_up()`` loads its data ahead of the first email (gunicorn
calls it as each worker starts).

Language knowledge is data: one lexicon file per language (``lexicon/<code>.toml``: total,
balance, due and unit words, payment-term templates, number words) and CLDR month, weekday,
number and currency names from Babel (``lexicon/cldr.json``). The email's own language
(``language``) picks the locale it is read in when it is not the mailbox's.

Limits (``engine``): bodies above ``MAX_BODY_CHARS`` (5 MiB of text) are refused
(``BodyTooLargeError``; the route answers 413). Below it the work is bounded: the first
512 KiB of HTML markup is converted, the first 256 KiB of text is split into request,
signature and history, the first 64 KiB (2,000 lines) of the request is read for amounts,
items and references, its first 8,000 characters for dates; at most 200 items are read
(every one is drafted; more than Cybersource's 30 per invoice adds a ``Notice``) and the
last 400 amounts weighed for the total.
"""

from addin_server.prefill.engine import (
    MAX_BODY_CHARS,
    BodyTooLargeError,
    prefill_invoice,
    warm_up,
)
from addin_server.prefill.models import (
    Address,
    Customer,
    DraftInvoice,
    EmailInput,
    Extracted,
    LineItem,
    MerchantContext,
    Notice,
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
    "Notice",
    "Reference",
    "blueprint",
    "prefill_invoice",
    "warm_up",
]
