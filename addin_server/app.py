"""The application factory, and the one list of blueprints the app serves."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

import flask_smorest
from flask import Blueprint, Flask

from addin_server import (
    account,
    audit,
    etags,
    health,
    identity,
    input_limits,
    invoices,
    merchants,
    metrics,
    outages,
    prefill,
    proxy,
    ratelimits,
    security_headers,
    taskpane_site,
    webhooks,
)
from addin_server.api import init_api
from addin_server.config import Settings, load_settings
from addin_server.context import DATABASE_KEY, SETTINGS_KEY, close_request_session
from addin_server.logs import configure_logging, install_request_logging
from addin_server.problems import register_error_handlers
from addin_server.storage import Database
from addin_server.upstream_problems import register_upstream_problems

# Every blueprint, registered the same way: an ``ApiBlueprint`` (flask-smorest) goes into the
# OpenAPI document under ``/api/``, a plain Flask blueprint serves pages. A new concern adds
# one line here with the ``blueprint`` its package exports.
BLUEPRINTS: tuple[Blueprint, ...] = (
    health.bp,
    taskpane_site.bp,
    identity.pages,
    identity.blueprint,
    account.blp,
    merchants.blueprint,
    audit.blueprint,
    prefill.blueprint,
    invoices.blueprint,
    invoices.customers_blueprint,
    invoices.currencies_blueprint,
    webhooks.receiver,
    webhooks.blueprint,
)


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
        secrets=[settings.secret_key, settings.client_secret, settings.metrics_token]
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

    proxy.init_app(app, settings)
    metrics.init_app(app)  # first: its timer covers every other hook
    install_request_logging(app)
    security_headers.init_app(app, settings)
    etags.init_app(app)  # 304 for an unchanged GET: the pane polls invoices with it
    register_error_handlers(app)
    outages.init_app(app)
    register_upstream_problems(app)  # Cybersource failures as problems, in one place
    identity.init_app(app, settings)  # before init_api: authentication runs first
    merchants.init_app(app, settings)  # refuses to start if a stored secret's key is missing
    input_limits.init_app(app)  # after authentication, before the API's routes
    api = init_api(app)
    for blueprint in BLUEPRINTS:
        if isinstance(blueprint, flask_smorest.Blueprint):
            api.register_blueprint(blueprint)
        else:
            app.register_blueprint(blueprint)
    ratelimits.init_app(app, settings)  # last: after authentication and every route
    return app
