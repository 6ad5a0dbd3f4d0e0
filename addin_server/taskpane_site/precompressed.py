"""Static files served with the gzip or brotli copy the taskpane build wrote beside them.

The build compresses once at the highest levels (``name.br``, ``name.gz``); a request gets
the best copy its ``Accept-Encoding`` allows, with ``Content-Encoding`` and
``Vary: Accept-Encoding``, or the plain file when it accepts neither.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path

from flask import Response, abort, request, send_file
from werkzeug.security import safe_join

# Best first: brotli is about 15% smaller than gzip for the bundle.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
# Names esbuild gives hashed output: "taskpane-6WVZI2RR.js", "chunks/dist-SRVZAJ7U.js".
HASHED_NAME = re.compile(r"[\w.]+-[A-Z0-9]{8}\.(?:js|css)")


def is_hashed(name: str) -> bool:
    """Whether the file's name changes with its content (then it may be cached forever)."""
    return HASHED_NAME.fullmatch(Path(name).name) is not None


def _mimetype(name: str) -> str:
    if name.endswith(".js"):
        return "text/javascript"
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def send_precompressed(folder: Path, name: str) -> Response:
    """``folder/name``, compressed when the client accepts it; 404 when it does not exist."""
    path = safe_join(str(folder), name)
    if path is None or not Path(path).is_file():
        abort(404)
    mimetype = _mimetype(name)
    for encoding, suffix in ENCODINGS:
        if request.accept_encodings[encoding] and Path(path + suffix).is_file():
            response = send_file(path + suffix, mimetype=mimetype, conditional=True)
            response.headers["Content-Encoding"] = encoding
            break
    else:
        response = send_file(path, mimetype=mimetype, conditional=True)
    response.vary.add("Accept-Encoding")
    return response
