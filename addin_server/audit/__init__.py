"""Append-only audit log: ``record_event`` for every concern, admin listing at ``/api/v1/audit``."""
