"""``CybersourceClient``: one merchant's entry point, holding the invoice services."""

from __future__ import annotations

from enum import StrEnum

from addin_server.config import Settings
from addin_server.cybersource.auth import DEFAULT_JWT_OPTIONS, Authenticator, JwtOptions, auth_for
from addin_server.cybersource.credentials import Credentials
from addin_server.cybersource.models import DeliveryModeCase
from addin_server.cybersource.requestor import Requestor
from addin_server.cybersource.services import InvoiceSettingsService, InvoicesService
from addin_server.cybersource.transport import DEFAULT_TIMEOUTS, Timeouts, Transport


class Environment(StrEnum):
    SANDBOX = "sandbox"
    """``apitest.cybersource.com``"""
    PRODUCTION = "production"
    """``api.cybersource.com``"""
    PRODUCTION_IN = "production_in"
    """``api.in.cybersource.com`` (India)"""


def base_url_for(environment: Environment, settings: Settings) -> str:
    """The configured base URL of an environment (overridable for proxies and tests)."""
    return {
        Environment.SANDBOX: settings.cybersource_sandbox_url,
        Environment.PRODUCTION: settings.cybersource_production_url,
        Environment.PRODUCTION_IN: settings.cybersource_production_in_url,
    }[environment]


def timeouts_for(settings: Settings) -> Timeouts:
    return Timeouts(settings.cybersource_connect_timeout, settings.cybersource_read_timeout)


def transport_for(settings: Settings) -> Transport:
    """A transport with the configured timeouts, to share among all merchants' clients."""
    return Transport(timeouts_for(settings))


class CybersourceClient:
    """Talks to Cybersource as one merchant.

    Build one per merchant (it holds that merchant's parsed keys) and keep it as long as
    the credentials do not change; many clients may share one ``Transport``.
    """

    def __init__(
        self,
        auth: Authenticator,
        base_url: str,
        *,
        transport: Transport | None = None,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        signing_host: str | None = None,
        delivery_mode_case: DeliveryModeCase = DeliveryModeCase.LOWER,
    ) -> None:
        """Without a shared ``transport`` the client makes (and closes) one with ``timeouts``."""
        self._owns_transport = transport is None
        self.transport = transport or Transport(timeouts)
        self.requestor = Requestor(auth, base_url, self.transport, signing_host=signing_host)
        self.invoices = InvoicesService(self.requestor, delivery_mode_case)
        self.invoice_settings = InvoiceSettingsService(self.requestor)

    @property
    def merchant_id(self) -> str:
        return self.requestor.auth.merchant_id

    @classmethod
    def for_merchant(
        cls,
        credentials: Credentials,
        environment: Environment,
        settings: Settings,
        *,
        transport: Transport | None = None,
        jwt_options: JwtOptions = DEFAULT_JWT_OPTIONS,
    ) -> CybersourceClient:
        """The usual construction: credentials + environment + settings."""
        return cls(
            auth_for(credentials, jwt_options=jwt_options),
            base_url_for(environment, settings),
            transport=transport,
            timeouts=timeouts_for(settings),
        )

    def close(self) -> None:
        """Closes the connections if this client made its own transport."""
        if self._owns_transport:
            self.transport.close()

    def __enter__(self) -> CybersourceClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
