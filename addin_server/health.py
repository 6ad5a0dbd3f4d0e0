"""Liveness (``/healthz``) and readiness (``/readyz``: database reachable, migrations current)."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from addin_server.context import current_db
from addin_server.problems import ApiProblem, problem_response
from addin_server.storage import migration_status

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> Response:
    db = current_db()
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        status = migration_status(db.engine)
    except SQLAlchemyError as exc:
        log.warning("database not reachable", extra={"error_type": type(exc).__name__})
        return problem_response(ApiProblem(503, "The database is not reachable."))
    if not status.is_current:
        return problem_response(
            ApiProblem(
                503,
                "Database migrations are not current; run 'addin-server db upgrade'.",
                extra={"current": list(status.current), "head": list(status.head)},
            )
        )
    return jsonify(status="ready", database=db.backend, migration=list(status.head))
