"""A database that drops out answers 503 problems, not 500s.

A PostgreSQL restart, a failover or ``pg_terminate_backend`` kills the connections the pool
holds: the pool pings a connection that sat idle before a request uses it (``storage``), but
a request whose connection dies under it, or was in steady use when the server went, gets
``OperationalError``. Its transaction never committed
(nothing half-written), so the client is told to try again shortly.
"""

from __future__ import annotations

import logging

from flask import Flask, Response
from sqlalchemy.exc import DBAPIError, OperationalError

from addin_server.problems import ApiProblem, problem_response

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 2


def _database_unavailable(error: DBAPIError) -> Response:
    log.warning("database connection lost", extra={"error_type": type(error.orig).__name__})
    return problem_response(
        ApiProblem(
            503,
            "The database could not be reached; nothing was saved. Try again shortly.",
            problem_type="/problems/database-unavailable",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    )


def _disconnect_or_operational(error: DBAPIError) -> Response:
    if isinstance(error, OperationalError) or error.connection_invalidated:
        return _database_unavailable(error)
    raise error  # another database error: the generic 500 handler logs it


def init_app(app: Flask) -> None:
    app.register_error_handler(DBAPIError, _disconnect_or_operational)
