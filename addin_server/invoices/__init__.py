"""Invoices created through the add-in: the Invoices API, numbering and exactly-once records.

Public surface: ``reconcile_pending`` (settle records a crash left ``creating`` or a lost
answer left ``unknown``), ``InvoiceRecord``, ``IntentState``, ``allocate_invoice_number``,
``DatabaseIntentStore``, ``present`` (a record as the API shows it). Routes:
``addin_server.invoices.routes.BLUEPRINTS`` (``/api/v1/invoices``, ``/api/v1/customers``).
"""

from addin_server.invoices.intents import DatabaseIntentStore, reconcile_pending
from addin_server.invoices.models import IntentState, InvoiceNumberCounter, InvoiceRecord
from addin_server.invoices.numbering import allocate_invoice_number

__all__ = [
    "DatabaseIntentStore",
    "IntentState",
    "InvoiceNumberCounter",
    "InvoiceRecord",
    "allocate_invoice_number",
    "reconcile_pending",
]
