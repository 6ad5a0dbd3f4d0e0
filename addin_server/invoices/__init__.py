"""Invoices created through the add-in: the Invoices API, numbering and exactly-once records.

Public surface: ``reconcile_pending`` (settle one profile's records a crash left
``creating`` or a lost answer left ``unknown``; ``addin-server reconcile`` runs it for every
profile), ``InvoiceRecord``, ``IntentState``,
``allocate_invoice_number``, ``DatabaseIntentStore``, ``record_by_number`` and
``apply_status_news`` (status news from webhooks: only forward). Routes: ``blueprint``
(``/api/v1/invoices``), ``customers_blueprint`` (``/api/v1/customers``) and
``currencies_blueprint`` (``/api/v1/currencies``).
"""

from addin_server.invoices.intents import DatabaseIntentStore, reconcile_pending
from addin_server.invoices.models import IntentState, InvoiceNumberCounter, InvoiceRecord
from addin_server.invoices.numbering import allocate_invoice_number
from addin_server.invoices.routes import blp as blueprint
from addin_server.invoices.routes import currencies_blp as currencies_blueprint
from addin_server.invoices.routes import customers_blp as customers_blueprint
from addin_server.invoices.status_updates import (
    FINAL_STATUSES,
    apply_status_news,
    record_by_number,
)

__all__ = [
    "FINAL_STATUSES",
    "DatabaseIntentStore",
    "IntentState",
    "InvoiceNumberCounter",
    "InvoiceRecord",
    "allocate_invoice_number",
    "apply_status_news",
    "blueprint",
    "currencies_blueprint",
    "customers_blueprint",
    "reconcile_pending",
    "record_by_number",
]
