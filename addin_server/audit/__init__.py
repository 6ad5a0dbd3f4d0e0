"""Append-only audit log: who did what to which merchant profile or invoice, and when.

Public surface: ``record_event(session, actor, action, target_type, target_id, details)``
adds an event to the caller's session (it commits with the change it describes);
``AuditAction`` names the actions; ``list_events`` reads a tenant's log, newest first.
Admins read it at ``GET /api/v1/audit`` (``blueprint``).
"""

from addin_server.audit.log import AuditAction, list_events, record_event
from addin_server.audit.models import AuditEvent
from addin_server.audit.routes import blp as blueprint

__all__ = ["AuditAction", "AuditEvent", "blueprint", "list_events", "record_event"]
