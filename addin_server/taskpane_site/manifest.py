"""The add-in manifest rewritten for the deployment's public URL, sign-in authority and app
registration, and the unified JSON manifest (Microsoft 365 app package) for the same add-in.

manifest.xml is written for the development origin; a deployment serves the same file with
its own origin, so one committed manifest fits every environment. The JSON manifest is
derived from the rendered XML, so both always name the same add-in.
"""

from __future__ import annotations

import io
import json
import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

DEV_ORIGIN = "https://localhost:3000"
DEV_AUTHORITY_ORIGIN = "https://login.microsoftonline.com"
_WEB_APPLICATION_INFO = re.compile(r"<WebApplicationInfo>.*?</WebApplicationInfo>\s*", re.S)

OFFICE_APP = "{http://schemas.microsoft.com/office/appforoffice/1.1}"
V1_1 = "{http://schemas.microsoft.com/office/mailappversionoverrides/1.1}"
BT = "{http://schemas.microsoft.com/office/officeappbasictypes/1.0}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"

UNIFIED_SCHEMA = (
    "https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.schema.json"
)
UNIFIED_MANIFEST_VERSION = "1.17"
# The app package's icons (taskpane/assets/, drawn by scripts/make_icons.py).
COLOR_ICON = "icon-192.png"
OUTLINE_ICON = "outline-32.png"
ACCENT_COLOR = "#0F4C81"
# XML permission -> unified manifest resource-specific permission.
PERMISSIONS = {
    "ReadItem": "MailboxItem.Read.User",
    "ReadWriteItem": "MailboxItem.ReadWrite.User",
    "ReadWriteMailbox": "Mailbox.ReadWrite.User",
}
CONTEXTS = {"MessageReadCommandSurface": "mailRead", "MessageComposeCommandSurface": "mailCompose"}
OPEN_PANE_ACTION = "openTaskpane"
RUNTIME_ID = "TaskPaneRuntime"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def render_manifest(
    template: str, *, public_url: str, authority: str, client_id: str = "", app_id_uri: str = ""
) -> str:
    """``template`` with URLs under ``public_url``, AppDomains for it and ``authority``, and
    the ``WebApplicationInfo`` legacy Office SSO needs naming the app registration.

    The committed file names the demo registration, valid for the development origin only:
    another origin without a registration gets no ``WebApplicationInfo`` (clients sign in
    through NAA or the dialog). The add-in Id stays the committed one for the development
    origin; any other deployment gets an Id derived from it and its public URL, so staging
    and production can be installed side by side and each keeps its Id across restarts.
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
        rendered = _WEB_APPLICATION_INFO.sub(
            lambda _: _web_application_info(client_id, app_id_uri), rendered, count=1
        )
    elif base != DEV_ORIGIN:
        rendered = _WEB_APPLICATION_INFO.sub("", rendered, count=1)
    if base == DEV_ORIGIN:
        return rendered
    start = rendered.index("<Id>") + len("<Id>")
    end = rendered.index("</Id>", start)
    committed_id = uuid.UUID(rendered[start:end])
    return rendered[:start] + str(uuid.uuid5(committed_id, base)) + rendered[end:]


def _app_domain(origin: str) -> str:
    return f"<AppDomain>{escape(origin)}</AppDomain>"


def _web_application_info(client_id: str, app_id_uri: str) -> str:
    return (
        "<WebApplicationInfo>\n"
        f"        <Id>{escape(client_id)}</Id>\n"
        f"        <Resource>{escape(app_id_uri)}</Resource>\n"
        "        <Scopes>\n"
        "          <Scope>openid</Scope>\n"
        "          <Scope>profile</Scope>\n"
        "        </Scopes>\n"
        "      </WebApplicationInfo>\n    "
    )


# --- the unified JSON manifest --------------------------------------------------------------


class _Xml:
    """Lookups in a rendered XML manifest."""

    def __init__(self, xml: str) -> None:
        self.root = ET.fromstring(xml)  # noqa: S314 (the project's own manifest, never input)
        overrides = self.root.find(f".//{V1_1}VersionOverrides")
        if overrides is None:
            raise ValueError("the manifest has no VersionOverrides V1_1 block")
        self.overrides = overrides
        self.resources = {
            str(e.get("id")): str(e.get("DefaultValue"))
            for e in overrides.iter()
            if e.tag.startswith(BT) and e.get("id") is not None
        }

    def text(self, path: str) -> str:
        return (self.root.findtext(path) or "").strip()

    def value(self, path: str) -> str:
        element = self.root.find(path)
        return "" if element is None else str(element.get("DefaultValue", ""))

    def resource(self, element: ET.Element | None) -> str:
        return "" if element is None else self.resources[str(element.get("resid"))]

    def icons(self, element: ET.Element) -> list[dict[str, Any]]:
        return [
            {"size": int(str(image.get("size"))), "url": self.resources[str(image.get("resid"))]}
            for image in element.iter(f"{BT}Image")
        ]


def unified_manifest(xml: str) -> dict[str, Any]:
    """The unified manifest (JSON) for the add-in a rendered XML manifest describes: same
    id, names, pages, icons, requirement set, permissions and app registration."""
    doc = _Xml(xml)
    min_mailbox = _min_mailbox_version(doc)
    name = doc.value(f"{OFFICE_APP}DisplayName")
    description = doc.value(f"{OFFICE_APP}Description")
    support_url = doc.value(f"{OFFICE_APP}SupportUrl")
    manifest: dict[str, Any] = {
        "$schema": UNIFIED_SCHEMA,
        "manifestVersion": UNIFIED_MANIFEST_VERSION,
        "version": ".".join(doc.text(f"{OFFICE_APP}Version").split(".")[:3]),
        "id": doc.text(f"{OFFICE_APP}Id"),
        "localizationInfo": {"defaultLanguageTag": doc.text(f"{OFFICE_APP}DefaultLocale")},
        "developer": {
            "name": doc.text(f"{OFFICE_APP}ProviderName"),
            "websiteUrl": origin_of(support_url),
            "privacyUrl": support_url,
            "termsOfUseUrl": support_url,
        },
        "name": {"short": name[:30], "full": name},
        "description": {"short": description[:80], "full": description},
        "icons": {"outline": OUTLINE_ICON, "color": COLOR_ICON},
        "accentColor": ACCENT_COLOR,
        "validDomains": [
            urlsplit(str(domain.text)).netloc for domain in doc.root.iter(f"{OFFICE_APP}AppDomain")
        ],
        "authorization": {"permissions": {"resourceSpecific": _permissions(doc)}},
        "extensions": [_extension(doc, min_mailbox)],
    }
    info = doc.overrides.find(f"{V1_1}WebApplicationInfo")
    if info is not None:
        manifest["webApplicationInfo"] = {
            "id": (info.findtext(f"{V1_1}Id") or "").strip(),
            "resource": (info.findtext(f"{V1_1}Resource") or "").strip(),
        }
    return manifest


def _min_mailbox_version(doc: _Xml) -> str:
    for item in doc.root.iter(f"{OFFICE_APP}Set"):
        if item.get("Name") == "Mailbox":
            return str(item.get("MinVersion", "1.1"))
    return "1.1"


def _permissions(doc: _Xml) -> list[dict[str, str]]:
    permissions = [{"name": PERMISSIONS[doc.text(f"{OFFICE_APP}Permissions")], "type": "Delegated"}]
    if doc.overrides.findtext(f".//{V1_1}SupportsSharedFolders") == "true":
        permissions.append({"name": "Mailbox.SharedFolder", "type": "Delegated"})
    return permissions


def _extension(doc: _Xml, min_mailbox: str) -> dict[str, Any]:
    requirements = {"capabilities": [{"name": "Mailbox", "minVersion": min_mailbox}]}
    points = list(doc.overrides.iter(f"{V1_1}ExtensionPoint"))
    pane_url = doc.resource(points[0].find(f".//{V1_1}SourceLocation"))
    pinnable = all(p.findtext(f".//{V1_1}SupportsPinning") == "true" for p in points)
    return {
        "requirements": {"scopes": ["mail"], **requirements},
        "runtimes": [
            {
                "requirements": requirements,
                "id": RUNTIME_ID,
                "type": "general",
                "code": {"page": pane_url},
                "lifetime": "short",
                "actions": [{"id": OPEN_PANE_ACTION, "type": "openPage", "pinnable": pinnable}],
            }
        ],
        "ribbons": [_ribbon(doc, point) for point in points],
    }


def _ribbon(doc: _Xml, point: ET.Element) -> dict[str, Any]:
    tab = point.find(f"{V1_1}OfficeTab")
    if tab is None:
        raise ValueError("every extension point needs an OfficeTab")
    groups = []
    for group in tab.iter(f"{V1_1}Group"):
        controls = [
            {
                "id": control.get("id"),
                "type": "button",
                "label": doc.resource(control.find(f"{V1_1}Label")),
                "icons": doc.icons(control),
                "supertip": {
                    "title": doc.resource(control.find(f"{V1_1}Supertip/{V1_1}Title")),
                    "description": doc.resource(control.find(f"{V1_1}Supertip/{V1_1}Description")),
                },
                "actionId": OPEN_PANE_ACTION,
            }
            for control in group.iter(f"{V1_1}Control")
        ]
        label = doc.resource(group.find(f"{V1_1}Label"))
        groups.append({"id": group.get("id"), "label": label, "controls": controls})
    return {
        "contexts": [CONTEXTS[str(point.get(XSI_TYPE))]],
        "tabs": [{"builtInTabId": tab.get("id"), "groups": groups}],
    }


def app_package(manifest: dict[str, Any], assets: Path) -> bytes:
    """The zip Microsoft 365 installs: manifest.json and the two icons it names."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, indent=2) + "\n")
        for icon in (manifest["icons"]["color"], manifest["icons"]["outline"]):
            package.write(assets / icon, icon)
    return buffer.getvalue()
