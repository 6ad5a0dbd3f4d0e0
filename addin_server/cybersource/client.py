"""``CybersourceClient``: one merchant's entry point, holding the invoice services.

The client knows nothing of the application that uses it (as in stripe-python): it is given
credentials, an ``Endpoint`` (where to send, which host to sign), timeouts and optionally a
``Transport`` shared with other merchants' clients. Mapping an ``Environment`` to configured
URLs is the caller's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from addin_server.cybersource.auth import DEFAULT_JWT_OPTIONS, Authenticator, JwtOptions, auth_for
from addin_server.cybersource.credentials import Credentials
from addin_server.cybersource.models import DeliveryModeCase
from addin_server.cybersource.requestor import Requestor
from addin_server.cybersource.services import InvoiceSettingsService, InvoicesService
from addin_server.cybersource.transport import DEFAULT_TIMEOUTS, Timeouts, Transport
from addin_server.cybersource.webhook_setup import WebhookSetupService


class Environment(StrEnum):
    """Cybersource's environments; ``host`` is the host each one is reached and signed at."""

    SANDBOX = "sandbox"
    PRODUCTION = "production"
    PRODUCTION_IN = "production_in"

    @property
    def host(self) -> str:
        return {
            Environment.SANDBOX: "apitest.cybersource.com",
            Environment.PRODUCTION: "api.cybersource.com",
            Environment.PRODUCTION_IN: "api.in.cybersource.com",
        }[self]

    @property
    def url(self) -> str:
        return f"https://{self.host}"


@dataclass(frozen=True)
class Endpoint:
    """Where requests go and which host their signatures name.

    ``signing_host`` defaults to the host of ``base_url``. Give it when ``base_url`` is a
    proxy or tunnel that forwards to Cybersource: Cybersource checks the signed host
    against its own name (e.g. ``Environment.SANDBOX.host``), not the proxy's.
    """

    base_url: str
    signing_host: str | None = None

    @classmethod
    def of(cls, environment: Environment) -> Endpoint:
        """Cybersource's own host for ``environment``, without a proxy."""
        return cls(environment.url)

    @property
    def host(self) -> str:
        """The host that is signed."""
        return self.signing_host or urlsplit(self.base_url).netloc


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
        signing_host: str | None = None,
        transport: Transport | None = None,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        delivery_mode_case: DeliveryModeCase = DeliveryModeCase.LOWER,
    ) -> None:
        """Without a shared ``transport`` the client makes (and closes) one with ``timeouts``."""
        self._owns_transport = transport is None
        self.transport = transport or Transport(timeouts)
        endpoint = Endpoint(base_url, signing_host)
        self.requestor = Requestor(
            auth, endpoint.base_url, self.transport, signing_host=endpoint.host
        )
        self.invoices = InvoicesService(self.requestor, delivery_mode_case)
        self.invoice_settings = InvoiceSettingsService(self.requestor)
        self.webhooks = WebhookSetupService(self.requestor)

    @property
    def merchant_id(self) -> str:
        return self.requestor.auth.merchant_id

    @classmethod
    def for_merchant(
        cls,
        credentials: Credentials,
        endpoint: Endpoint,
        *,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        transport: Transport | None = None,
        jwt_options: JwtOptions = DEFAULT_JWT_OPTIONS,
    ) -> CybersourceClient:
        """The usual construction: a merchant's credentials and the endpoint to call."""
        return cls(
            auth_for(credentials, jwt_options=jwt_options),
            endpoint.base_url,
            signing_host=endpoint.signing_host,
            transport=transport,
            timeouts=timeouts,
        )

    def close(self) -> None:
        """Closes the connections if this client made its own transport."""
        if self._owns_transport:
            self.transport.close()

    def __enter__(self) -> CybersourceClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
