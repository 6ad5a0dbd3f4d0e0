"""Order, purchase-order and quote numbers the customer quoted."""

from __future__ import annotations

import re

from addin_server.prefill.models import Reference, ReferenceKind
from addin_server.prefill.snippets import snippet

_NUMBER_WORD = (
    r"(?:\s?(?:(?:number|nummer|numéro|número|num|núm|no|nr)\.?(?![^\W\d_])|n[°º]|#|番号))?"
)
_VALUE = r"\s?[:#]?\s?(?P<value>[A-Z0-9][A-Z0-9/_.-]{1,30}[A-Z0-9]|[0-9]{3,})(?![A-Za-z0-9])"
# One word may stand between the label and an identifier with a dash or slash:
# "quote luminaires D-2026-044", "注文番号は MC-0305".
_GAP_VALUE = (
    r"\s?[^\W\d_]{1,20}\s?[:#]?\s"
    r"(?P<value>[A-Z0-9]{1,10}[-/][A-Z0-9/_.-]{0,30}[A-Z0-9])(?![A-Za-z0-9])"
)
_KINDS: tuple[tuple[ReferenceKind, str], ...] = (
    (
        "po",
        r"(?<![^\W\d_])(?:P\.?O\.?|purchase order|bon de commande|orden de compra|Bestellschein"
        r"|Einkaufsbestellung)|発注書?|注文書",
    ),
    (
        "quote",
        r"(?<![^\W\d_])(?:quote|quotation|estimate|Angebot(?:snummer)?|devis|cotizaci[óo]n"
        r"|presupuesto)|見積(?:書|り)?",
    ),
    (
        "order",
        r"(?<![^\W\d_])(?:order|Bestellung|Bestellnummer|Bestell-Nr\.?|Auftrag(?:snummer)?"
        r"|commande|pedido)|注文",
    ),
)
_PATTERNS = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, label in _KINDS
    for pattern in (
        # "PO-7741": the label is part of the identifier.
        rf"(?P<value>(?:{label})-\d[A-Z0-9/_.-]{{0,30}}[A-Z0-9])(?![A-Za-z0-9])",
        f"(?:{label}){_NUMBER_WORD}{_VALUE}",
        f"(?:{label}){_NUMBER_WORD}{_GAP_VALUE}",
    )
)
_MAX_REFERENCES = 10


def find_references(text: str) -> list[Reference]:
    found: dict[tuple[ReferenceKind, str], Reference] = {}
    # Positions inside a value already read: a value starting there is part of it. Matches
    # of one pattern never overlap, so marking costs at most one pass per pattern.
    taken = bytearray(len(text) + 1)
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            value = match.group("value")
            start, end = match.span("value")
            if not re.search(r"\d", value) or taken[start]:
                continue
            taken[start:end] = b"\x01" * (end - start)
            key = (kind, value.upper())
            if key not in found and len(found) < _MAX_REFERENCES:
                found[key] = Reference(kind, value, 0.8, snippet(text, match.start(), match.end()))
    return sorted(found.values(), key=lambda r: text.find(r.value))
