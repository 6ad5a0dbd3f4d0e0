"""Invoices created through the add-in: numbering and exactly-once creation records.

Public surface: ``create_numbered_invoice`` (assign the merchant's next number and create
once), ``reconcile_pending`` (settle intents a crash left open), ``InvoiceRecord``,
``IntentState``, ``allocate_invoice_number``, ``DatabaseIntentStore``.
"""

from addin_server.invoices.intents import (
    DatabaseIntentStore,
    create_numbered_invoice,
    reconcile_pending,
)
from addin_server.invoices.models import IntentState, InvoiceNumberCounter, InvoiceRecord
from addin_server.invoices.numbering import allocate_invoice_number

__all__ = [
    "DatabaseIntentStore",
    "IntentState",
    "InvoiceNumberCounter",
    "InvoiceRecord",
    "allocate_invoice_number",
    "create_numbered_invoice",
    "reconcile_pending",
]
