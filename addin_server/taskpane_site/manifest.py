"""The add-in manifest rewritten for the deployment's public URL and sign-in authority.

manifest.xml is written for the development origin; a deployment serves the same file with
its own origin, so one committed manifest fits every environment.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

DEV_ORIGIN = "https://localhost:3000"
DEV_AUTHORITY_ORIGIN = "https://login.microsoftonline.com"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def render_manifest(
    template: str, *, public_url: str, authority: str, client_id: str = "", app_id_uri: str = ""
) -> str:
    """``template`` with URLs under ``public_url``, AppDomains for it and ``authority``, and
    (when the app is registered) the ``WebApplicationInfo`` legacy Office SSO needs.

    The add-in Id stays the committed one for the development origin; any other deployment
    gets an Id derived from it and its public URL, so staging and production can be installed
    side by side and each keeps its Id across restarts.
    """
    base = public_url.rstrip("/")
    rendered = (
        template.replace(f"<AppDomain>{DEV_ORIGIN}</AppDomain>", _app_domain(origin_of(base)))
        .replace(
            f"<AppDomain>{DEV_AUTHORITY_ORIGIN}</AppDomain>", _app_domain(origin_of(authority))
        )
        .replace(f"{DEV_ORIGIN}/", escape(base) + "/")
    )
    if client_id and app_id_uri:
        rendered = _with_web_application_info(rendered, client_id, app_id_uri)
    if base == DEV_ORIGIN:
        return rendered
    start = rendered.index("<Id>") + len("<Id>")
    end = rendered.index("</Id>", start)
    committed_id = uuid.UUID(rendered[start:end])
    return rendered[:start] + str(uuid.uuid5(committed_id, base)) + rendered[end:]


def _app_domain(origin: str) -> str:
    return f"<AppDomain>{escape(origin)}</AppDomain>"


def _with_web_application_info(manifest: str, client_id: str, app_id_uri: str) -> str:
    """Legacy ``Office.auth.getAccessToken`` needs the app registration in the manifest; it
    must be the last child of the V1_1 block (the first ``</VersionOverrides>`` to close)."""
    info = (
        "  <WebApplicationInfo>\n"
        f"        <Id>{escape(client_id)}</Id>\n"
        f"        <Resource>{escape(app_id_uri)}</Resource>\n"
        "        <Scopes><Scope>openid</Scope><Scope>profile</Scope></Scopes>\n"
        "      </WebApplicationInfo>\n    "
    )
    closing = manifest.index("</VersionOverrides>")
    return manifest[:closing] + info + manifest[closing:]
