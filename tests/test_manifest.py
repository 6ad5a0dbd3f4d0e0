"""manifest.xml: valid against Microsoft's XSDs (offline) and within Outlook's own limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from addin_server.taskpane_site.manifest import render_manifest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
MANIFEST = PROJECT_ROOT / "manifest.xml"
XSD_DIR = (PROJECT_ROOT / "../shared/reference/office-manifest-xsd").resolve()
BT = "http://schemas.microsoft.com/office/officeappbasictypes/1.0"
V1_1 = "http://schemas.microsoft.com/office/mailappversionoverrides/1.1"
ICON_SIZES_IN_ASSETS = (16, 32, 64, 80, 128)


@pytest.fixture(scope="module")
def manifest() -> etree._ElementTree:
    return etree.parse(str(MANIFEST))


def _schema() -> etree.XMLSchema:
    root = XSD_DIR / "OfficeAppManifestV1_1.xsd"
    if not root.exists():
        pytest.skip(f"manifest XSDs not found at {XSD_DIR} (shared/ must sit beside the project)")
    # The root schema imports its siblings by relative path: no network is involved.
    return etree.XMLSchema(etree.parse(str(root)))


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
    assert info.getparent().tag == f"{{{V1_1}}}VersionOverrides"
    assert info.getparent().index(info) == len(info.getparent()) - 1  # the last child
    assert info.findtext(f"{{{V1_1}}}Id") == client_id
    assert info.findtext(f"{{{V1_1}}}Resource") == app_id_uri
