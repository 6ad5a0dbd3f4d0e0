"""Evidence snippets: the short piece of email text a field was read from."""

from __future__ import annotations

import re

from addin_server.prefill.models import SOURCE_MAX_CHARS

_SPACES = re.compile(r"\s+")


def snippet(text: str, start: int, end: int) -> str:
    """The text around ``text[start:end]`` on one line, at most ``SOURCE_MAX_CHARS`` long."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    # Centre the window on the match when the line is longer than the limit.
    margin = max(0, (SOURCE_MAX_CHARS - (end - start)) // 2)
    lo = max(line_start, start - margin)
    hi = min(line_end, max(end, lo + SOURCE_MAX_CHARS))
    return clip(text[lo:hi])


def clip(text: str) -> str:
    return _SPACES.sub(" ", text).strip()[:SOURCE_MAX_CHARS]
