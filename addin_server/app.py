"""The application factory."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from flask import Flask

from addin_server import health, identity, input_limits, merchants, security_headers
from addin_server.api import init_api
from addin_server.audit.routes import blp as audit_bp
from addin_server.config import Settings, load_settings
from addin_server.context import DATABASE_KEY, SETTINGS_KEY, close_request_session
from addin_server.invoices.routes import BLUEPRINTS as invoices_bps
from addin_server.logs import configure_logging, install_request_logging
from addin_server.merchants.routes import blp as merchants_bp
from addin_server.prefill.routes import blp as prefill_bp
from addin_server.problems import register_error_handlers
from addin_server.storage import Database
from addin_server.taskpane_site import bp as taskpane_site_bp
from addin_server.upstream_problems import register_upstream_problems


def create_app(
    config: Mapping[str, Any] | Settings | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> Flask:
    """Build the app. ``config`` overrides environment settings by field name (tests use it);
    a ready ``Settings`` is used as it is."""
    settings = config if isinstance(config, Settings) else load_settings(environ, config)
    configure_logging(
        settings.log_level,
        secrets=[settings.secret_key, settings.client_secret]
        + [base64.b64encode(k.key).decode("ascii") for k in settings.encryption_keys],
    )

    app = Flask(__name__, instance_path=str(settings.instance_dir), static_folder=None)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
    )
    app.extensions[SETTINGS_KEY] = settings
    app.extensions[DATABASE_KEY] = Database(settings.database_url)
    app.teardown_appcontext(close_request_session)

    install_request_logging(app)
    security_headers.init_app(app, settings)
    register_error_handlers(app)
    register_upstream_problems(app)  # Cybersource failures as problems, in one place
    app.register_blueprint(health.bp)
    app.register_blueprint(taskpane_site_bp)
    identity.init_app(app, settings)  # before init_api: authentication runs first
    merchants.init_app(app, settings)  # refuses to start if a stored secret's key is missing
    input_limits.init_app(app)  # after authentication, before the API's routes
    init_api(
        app, blueprints=[identity.api_blueprint, merchants_bp, audit_bp, prefill_bp, *invoices_bps]
    )
    return app
