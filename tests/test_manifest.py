"""manifest.xml: valid against Microsoft's XSDs (offline) and within Outlook's own limits;
``addin-server manifest --url`` writes it and the unified JSON manifest for another origin."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from lxml import etree

from addin_server.cli import main
from addin_server.dev.openid_provider import DEMO_CLIENT_ID
from addin_server.taskpane_site.manifest import render_manifest

if TYPE_CHECKING:
    from lxml.etree._docloader import _InputDocument  # what the resolve_* methods return

PROJECT_ROOT = Path(__file__).resolve().parents[1]
MANIFEST = PROJECT_ROOT / "manifest.xml"
XSD_DIR = (PROJECT_ROOT / "../shared/reference/office-manifest-xsd").resolve()
BT = "http://schemas.microsoft.com/office/officeappbasictypes/1.0"
V1_1 = "http://schemas.microsoft.com/office/mailappversionoverrides/1.1"
OFFICE_APP = "http://schemas.microsoft.com/office/appforoffice/1.1"
# The reference copy of the mail VersionOverrides 1.1 schema predates SupportsSharedFolders
# (Mailbox 1.8, learn.microsoft.com/javascript/api/manifest/supportssharedfolders: an optional
# boolean, the first child of DesktopFormFactor). The test adds exactly that declaration, in
# memory, and validates everything else as published.
FORM_FACTOR_SEQUENCE = '<xs:complexType name="FormFactor">'
SHARED_FOLDERS_DECLARATION = (
    '<xs:element name="SupportsSharedFolders" type="xs:boolean" minOccurs="0" maxOccurs="1"/>'
)
ICON_SIZES_IN_ASSETS = (16, 32, 64, 80, 128)
NO_REGISTRATION: dict[str, str | None] = {"ADDIN_CLIENT_ID": None, "ADDIN_APP_ID_URI": None}


@pytest.fixture(scope="module")
def manifest() -> etree._ElementTree:
    return etree.parse(str(MANIFEST))


class _SharedFoldersDeclared(etree.Resolver):
    """Serves the mail VersionOverrides 1.1 schema with SupportsSharedFolders declared."""

    def resolve(
        self, system_url: str | None, public_id: str | None, context: object
    ) -> _InputDocument | None:
        if system_url is None or not system_url.endswith("MailAppVersionOverridesV1_1.xsd"):
            return None
        text = (XSD_DIR / "MailAppVersionOverridesV1_1.xsd").read_text(encoding="utf-8")
        start = text.index(FORM_FACTOR_SEQUENCE)
        sequence = text.index("<xs:sequence>", start) + len("<xs:sequence>")
        patched = text[:sequence] + SHARED_FOLDERS_DECLARATION + text[sequence:]
        return self.resolve_string(patched, context)


def _parent(element: etree._Element) -> etree._Element:
    parent = element.getparent()
    assert parent is not None
    return parent


def _schema() -> etree.XMLSchema:
    root = XSD_DIR / "OfficeAppManifestV1_1.xsd"
    if not root.exists():
        pytest.skip(f"manifest XSDs not found at {XSD_DIR} (shared/ must sit beside the project)")
    # The root schema imports its siblings by relative path: no network is involved.
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_SharedFoldersDeclared())
    return etree.XMLSchema(etree.parse(str(root), parser))


def test_the_schema_still_refuses_shared_folders_where_outlook_does() -> None:
    """The added declaration is where Microsoft documents it and nowhere else."""
    misplaced = (
        MANIFEST.read_text(encoding="utf-8")
        .replace("<SupportsSharedFolders>true</SupportsSharedFolders>", "")
        .replace(
            "</DesktopFormFactor>",
            "<SupportsSharedFolders>true</SupportsSharedFolders></DesktopFormFactor>",
        )
    )
    schema = _schema()
    assert not schema.validate(etree.fromstring(misplaced.encode()))


def test_manifest_is_valid_against_the_office_schemas(manifest: etree._ElementTree) -> None:
    schema = _schema()
    assert schema.validate(manifest), "\n".join(str(e) for e in schema.error_log)


def test_every_resid_names_a_resource(manifest: etree._ElementTree) -> None:
    resources = manifest.find(f".//{{{V1_1}}}Resources")
    assert resources is not None
    defined = {str(e.get("id")) for e in resources.iter() if e.get("id") is not None}
    referenced = {str(e.get("resid")) for e in manifest.iter() if e.get("resid") is not None}
    assert referenced, "the manifest references no resources"
    assert referenced <= defined, f"undefined resids: {sorted(referenced - defined)}"
    assert defined <= referenced, f"unused resources: {sorted(defined - referenced)}"
    too_long = sorted(r for r in defined if len(r) > 32)
    assert not too_long, f"resids longer than 32 characters: {too_long}"


@pytest.mark.parametrize(("container", "limit"), [("ShortStrings", 125), ("LongStrings", 250)])
def test_strings_fit_outlook_limits(
    manifest: etree._ElementTree, container: str, limit: int
) -> None:
    strings = manifest.findall(f".//{{{BT}}}{container}/{{{BT}}}String")
    assert strings
    for string in strings:
        assert 0 < len(string.get("DefaultValue", "")) <= limit, string.get("id")


def test_every_url_is_https(manifest: etree._ElementTree) -> None:
    urls = [
        value
        for element in manifest.iter()
        for value in (
            element.get("DefaultValue"),
            element.text if "AppDomain" in str(element.tag) else None,
        )
        if value and "://" in value
    ]
    assert len(urls) > 8
    assert all(url.startswith("https://") for url in urls), urls


def test_both_surfaces_open_a_pinnable_taskpane(manifest: etree._ElementTree) -> None:
    surfaces = {
        str(point.get("{http://www.w3.org/2001/XMLSchema-instance}type")): point
        for point in manifest.iter(f"{{{V1_1}}}ExtensionPoint")
    }
    assert set(surfaces) == {"MessageReadCommandSurface", "MessageComposeCommandSurface"}
    for point in surfaces.values():
        pinning = point.findall(f".//{{{V1_1}}}SupportsPinning")
        assert [p.text for p in pinning] == ["true"]
    assert manifest.findtext(
        "{http://schemas.microsoft.com/office/appforoffice/1.1}Permissions"
    ) == ("ReadWriteItem")


def test_icon_files_exist_for_every_size() -> None:
    for size in ICON_SIZES_IN_ASSETS:
        data = (PROJECT_ROOT / "taskpane" / "assets" / f"icon-{size}.png").read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (size, size)


def test_manifest_rendered_for_another_deployment_stays_valid() -> None:
    rendered = render_manifest(
        MANIFEST.read_text(encoding="utf-8"),
        public_url="https://invoices.example.com/",
        authority="https://login.example-idp.com/tenant-a",
    )
    schema = _schema()
    document = etree.fromstring(rendered.encode())
    assert schema.validate(document), "\n".join(str(e) for e in schema.error_log)


def test_registered_app_adds_web_application_info_for_office_sso() -> None:
    client_id = "0b7c0a5e-3b0a-4bd4-9d1f-0b2a7b6a9d11"
    app_id_uri = f"api://invoices.example.com/{client_id}"
    rendered = render_manifest(
        MANIFEST.read_text(encoding="utf-8"),
        public_url="https://invoices.example.com",
        authority="https://login.microsoftonline.com",
        client_id=client_id,
        app_id_uri=app_id_uri,
    )
    document = etree.fromstring(rendered.encode())
    schema = _schema()
    assert schema.validate(document), "\n".join(str(e) for e in schema.error_log)
    (info,) = document.iter(f"{{{V1_1}}}WebApplicationInfo")
    parent = _parent(info)
    assert parent.tag == f"{{{V1_1}}}VersionOverrides"
    assert parent.index(info) == len(parent) - 1  # the last child
    assert info.findtext(f"{{{V1_1}}}Id") == client_id
    assert info.findtext(f"{{{V1_1}}}Resource") == app_id_uri


def test_minimum_requirement_is_what_the_pane_cannot_do_without(
    manifest: etree._ElementTree,
) -> None:
    """Mailbox 1.3 (body.getAsync); pinning, the async reply form, dialog and NAA are
    detected at run time, so older clients still load the add-in."""
    (base,) = manifest.iter(f"{{{OFFICE_APP}}}Set")
    assert (base.get("Name"), base.get("MinVersion")) == ("Mailbox", "1.3")
    (commands,) = manifest.iter(f"{{{BT}}}Sets")
    assert commands.get("DefaultMinVersion") == "1.3"
    (shared,) = manifest.iter(f"{{{V1_1}}}SupportsSharedFolders")
    assert shared.text == "true"
    assert _parent(shared).tag == f"{{{V1_1}}}DesktopFormFactor"


def test_committed_manifest_names_the_demo_registration_for_localhost(
    manifest: etree._ElementTree,
) -> None:
    (info,) = manifest.iter(f"{{{V1_1}}}WebApplicationInfo")
    parent = _parent(info)
    assert parent.index(info) == len(parent) - 1  # the last child
    assert info.findtext(f"{{{V1_1}}}Id") == DEMO_CLIENT_ID
    assert info.findtext(f"{{{V1_1}}}Resource") == f"api://localhost:3000/{DEMO_CLIENT_ID}"
    scopes = [s.text for s in info.iter(f"{{{V1_1}}}Scope")]
    assert scopes == ["openid", "profile"]


def test_another_origin_without_a_registration_gets_no_web_application_info() -> None:
    rendered = render_manifest(
        MANIFEST.read_text(encoding="utf-8"),
        public_url="https://invoices.example.com",
        authority="https://login.microsoftonline.com",
    )
    document = etree.fromstring(rendered.encode())
    assert not list(document.iter(f"{{{V1_1}}}WebApplicationInfo"))
    assert DEMO_CLIENT_ID not in rendered
    assert _schema().validate(document)


def _written(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "manifests"
    result = CliRunner().invoke(main, ["manifest", *args, "--out", str(out)], env=NO_REGISTRATION)
    assert result.exit_code == 0, result.output
    return out


def test_cli_writes_both_manifests_for_one_add_in(tmp_path: Path) -> None:
    client_id = "0b7c0a5e-3b0a-4bd4-9d1f-0b2a7b6a9d11"
    out = _written(tmp_path, "--url", "https://invoices.example.com", "--client-id", client_id)
    xml = etree.parse(str(out / "manifest.xml"))
    schema = _schema()
    assert schema.validate(xml), "\n".join(str(e) for e in schema.error_log)
    unified = json.loads((out / "manifest.json").read_text(encoding="utf-8"))

    required = {"$schema", "manifestVersion", "version", "id", "developer", "name"}
    required |= {"description", "icons", "accentColor", "extensions", "authorization"}
    assert required <= set(unified)
    assert unified["id"] == xml.findtext(f"{{{OFFICE_APP}}}Id")
    assert unified["id"] != "84be32cb-d146-4c4e-bb29-0717da89f371"  # another origin's id
    assert unified["version"] == "1.0.0"
    display_name = xml.find(f"{{{OFFICE_APP}}}DisplayName")
    assert display_name is not None
    assert unified["name"]["full"] == display_name.get("DefaultValue")
    assert unified["webApplicationInfo"] == {
        "id": client_id,
        "resource": f"api://invoices.example.com/{client_id}",
    }
    assert "invoices.example.com" in unified["validDomains"]
    permissions = {p["name"] for p in unified["authorization"]["permissions"]["resourceSpecific"]}
    assert permissions == {"MailboxItem.ReadWrite.User", "Mailbox.SharedFolder"}

    (extension,) = unified["extensions"]
    assert extension["requirements"]["scopes"] == ["mail"]
    assert extension["requirements"]["capabilities"] == [{"name": "Mailbox", "minVersion": "1.3"}]
    (runtime,) = extension["runtimes"]
    assert runtime["code"]["page"] == "https://invoices.example.com/taskpane.html"
    assert runtime["actions"] == [{"id": "openTaskpane", "type": "openPage", "pinnable": True}]
    assert [r["contexts"] for r in extension["ribbons"]] == [["mailRead"], ["mailCompose"]]
    control_ids = [
        control["id"]
        for ribbon in extension["ribbons"]
        for group in ribbon["tabs"][0]["groups"]
        for control in group["controls"]
    ]
    xml_ids = [c.get("id") for c in xml.iter(f"{{{V1_1}}}Control")]
    assert control_ids == xml_ids
    for ribbon in extension["ribbons"]:
        for control in ribbon["tabs"][0]["groups"][0]["controls"]:
            assert control["actionId"] == runtime["actions"][0]["id"]
            assert {i["size"] for i in control["icons"]} == {16, 32, 80}
            assert all(
                i["url"].startswith("https://invoices.example.com/") for i in control["icons"]
            )

    with zipfile.ZipFile(out / "app-package.zip") as package:
        assert sorted(package.namelist()) == ["icon-192.png", "manifest.json", "outline-32.png"]
        assert json.loads(package.read("manifest.json")) == unified
        for name, size in (("icon-192.png", 192), ("outline-32.png", 32)):
            data = package.read(name)
            assert data.startswith(b"\x89PNG\r\n\x1a\n")
            assert int.from_bytes(data[16:20], "big") == size


def test_cli_without_a_registration_writes_manifests_without_one(tmp_path: Path) -> None:
    out = _written(tmp_path, "--url", "https://invoices.example.com/")
    document = etree.parse(str(out / "manifest.xml"))
    assert not list(document.iter(f"{{{V1_1}}}WebApplicationInfo"))
    assert "webApplicationInfo" not in json.loads((out / "manifest.json").read_text("utf-8"))


@pytest.mark.parametrize(
    "url", ["http://invoices.example.com", "https://invoices.example.com/addin", "invoices"]
)
def test_cli_refuses_what_is_not_an_https_origin(tmp_path: Path, url: str) -> None:
    result = CliRunner().invoke(
        main, ["manifest", "--url", url, "--out", str(tmp_path)], env=NO_REGISTRATION
    )
    assert result.exit_code == 2
    assert "https origin" in result.output
    assert not list(tmp_path.iterdir())
