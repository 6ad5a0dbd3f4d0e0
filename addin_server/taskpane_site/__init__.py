"""The taskpane's pages, bundle, icons and the add-in manifest (see ``views``)."""

from addin_server.taskpane_site.manifest_files import write_manifests
from addin_server.taskpane_site.views import bp

__all__ = ["bp", "write_manifests"]
