"""From settings to what the Cybersource client takes: an endpoint per environment, timeouts.

The client knows nothing of ``Settings``; this is the one place that maps an
``Environment`` to the configured base URL and signing host.
"""

from __future__ import annotations

from addin_server.config import Settings
from addin_server.cybersource import Endpoint, Environment, Timeouts, Transport


def endpoint_for(environment: Environment, settings: Settings) -> Endpoint:
    """The configured URL of ``environment`` and the host to sign (default: the URL's)."""
    url, signing_host = {
        Environment.SANDBOX: (
            settings.cybersource_sandbox_url,
            settings.cybersource_sandbox_signing_host,
        ),
        Environment.PRODUCTION: (
            settings.cybersource_production_url,
            settings.cybersource_production_signing_host,
        ),
        Environment.PRODUCTION_IN: (
            settings.cybersource_production_in_url,
            settings.cybersource_production_in_signing_host,
        ),
    }[environment]
    return Endpoint(url, signing_host or None)


def timeouts_for(settings: Settings) -> Timeouts:
    return Timeouts(
        settings.cybersource_connect_timeout,
        settings.cybersource_read_timeout,
        settings.cybersource_deadline,
    )


def transport_for(settings: Settings) -> Transport:
    """A transport with the configured timeouts, to share among all merchants' clients."""
    return Transport(timeouts_for(settings))
