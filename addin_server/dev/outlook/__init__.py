"""``/dev/outlook``: a browser Outlook where anyone can try the add-in (demo mode only).

A mail list of sample emails, a reading pane, and the real taskpane (``/taskpane.html`` in
an iframe) driven by an Office.js stand-in (``static/office-standin.js``). ``install`` adds
it to a demo app; production never imports this package, so there ``/dev/outlook`` is 404.
"""

from addin_server.dev.outlook.views import install

__all__ = ["install"]
