"""Outlook add-in backend: Cybersource invoices from the email being read."""

from addin_server.app import create_app

__all__ = ["create_app"]
