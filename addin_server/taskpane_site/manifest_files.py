"""``addin-server manifest``: the add-in's manifests for an origin, written to a folder."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from addin_server.taskpane_site.manifest import app_package, render_manifest, unified_manifest

# addin_server/taskpane_site/ -> the checkout's manifest.xml and taskpane/assets/.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = PROJECT_ROOT / "manifest.xml"
ASSETS = PROJECT_ROOT / "taskpane" / "assets"


def write_manifests(
    url: str, out_dir: Path, *, client_id: str, app_id_uri: str, authority: str
) -> list[Path]:
    """``manifest.xml``, ``manifest.json`` and ``app-package.zip`` for ``url`` in ``out_dir``.

    ``app_id_uri`` defaults to ``api://<host>/<client id>`` like the server's setting; without
    a client id the manifests carry no app registration (NAA and the dialog need none).
    """
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc or parts.path not in ("", "/"):
        raise ValueError(f"--url must be an https origin such as https://addin.example.com: {url}")
    if client_id and not app_id_uri:
        app_id_uri = f"api://{parts.netloc}/{client_id}"
    xml = render_manifest(
        TEMPLATE.read_text(encoding="utf-8"),
        public_url=url,
        authority=authority,
        client_id=client_id,
        app_id_uri=app_id_uri,
    )
    unified = unified_manifest(xml)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        out_dir / "manifest.xml": xml.encode("utf-8"),
        out_dir / "manifest.json": (json.dumps(unified, indent=2) + "\n").encode("utf-8"),
        out_dir / "app-package.zip": app_package(unified, ASSETS),
    }
    for path, content in files.items():
        path.write_bytes(content)
    return list(files)
