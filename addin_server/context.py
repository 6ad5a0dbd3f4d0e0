"""Per-app and per-request objects, looked up through Flask's current app.

Who commits a transaction, everywhere:

- A service function (the plain function a route calls for one action, e.g.
  ``merchants.profiles.create_profile``, ``identity.users.add_member``) commits its work
  itself, once it is complete; on a failure it rolls back or raises before committing.
- Helpers that take the caller's session (``audit.record_event``, ``identity.users.set_role``,
  ``identity.grant_admin_for_first_profile``) only add to it: their rows commit or roll back
  with the change they belong to.
- Routes never commit. The request's session (``request_session``) is rolled back and closed
  when the request ends, so whatever a failed request left uncommitted is discarded whole.
"""

from __future__ import annotations

import logging

from flask import current_app, g
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from addin_server.config import Settings
from addin_server.storage import Database

SETTINGS_KEY = "addin.settings"
DATABASE_KEY = "addin.db"
log = logging.getLogger(__name__)


def current_settings() -> Settings:
    settings: Settings = current_app.extensions[SETTINGS_KEY]
    return settings


def current_db() -> Database:
    db: Database = current_app.extensions[DATABASE_KEY]
    return db


def request_session() -> Session:
    """The request's session; rolled back and closed when the request ends. Services commit."""
    if "db_session" not in g:
        g.db_session = current_db().sessionmaker()
    session: Session = g.db_session
    return session


def close_request_session(_exc: BaseException | None = None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is None:
        return
    try:
        session.rollback()
    except DBAPIError as error:
        # The connection died after the answer was made (a database restart): its open
        # transaction died with it, and the answer stands rather than becoming a 500.
        log.warning(
            "database connection lost at the end of a request",
            extra={"error_type": type(error.orig).__name__},
        )
    finally:
        session.close()
