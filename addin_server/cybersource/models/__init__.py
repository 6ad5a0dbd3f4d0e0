"""Invoice types and their conversion to and from Cybersource JSON."""

from addin_server.cybersource.models.draft import InvoiceDraft
from addin_server.cybersource.models.invoice import (
    CreateResult,
    HistoryEvent,
    Invoice,
    InvoicePage,
    InvoiceSummary,
)
from addin_server.cybersource.models.parts import Customer, Freight, LineItem, TaxDetails
from addin_server.cybersource.models.settings import InvoiceSettings
from addin_server.cybersource.models.statuses import CreationMode, DeliveryModeCase, InvoiceStatus

__all__ = [
    "CreateResult",
    "CreationMode",
    "Customer",
    "DeliveryModeCase",
    "Freight",
    "HistoryEvent",
    "Invoice",
    "InvoiceDraft",
    "InvoicePage",
    "InvoiceSettings",
    "InvoiceStatus",
    "InvoiceSummary",
    "LineItem",
    "TaxDetails",
]
