"""Draw the add-in's icons (taskpane/assets/icon-<size>.png) with the standard library only.

The icon is a blue rounded square holding a white invoice sheet with three text lines and a
green "paid" dot. Shapes are sampled 4x4 per pixel for smooth edges. The unified manifest's
app package also needs a 192 px colour icon (icon-192.png) and a 32 px outline icon
(outline-32.png: white on transparent, the sheet with its lines cut out).

    python scripts/make_icons.py          # writes the PNGs (committed; rerun after changes)
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

SIZES = (16, 32, 64, 80, 128, 192)
OUTLINE_SIZE = 32
ASSETS = Path(__file__).resolve().parent.parent / "taskpane" / "assets"
SAMPLES = 4

Rgba = tuple[int, int, int, int]
BACKGROUND: Rgba = (15, 76, 129, 255)
SHEET: Rgba = (255, 255, 255, 255)
LINE: Rgba = (120, 150, 185, 255)
DOT: Rgba = (24, 160, 88, 255)
CLEAR: Rgba = (0, 0, 0, 0)


def _in_rounded_rect(x: float, y: float, box: tuple[float, float, float, float], r: float) -> bool:
    left, top, right, bottom = box
    if not (left <= x <= right and top <= y <= bottom):
        return False
    cx = min(max(x, left + r), right - r)
    cy = min(max(y, top + r), bottom - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def _color_at(x: float, y: float) -> Rgba:
    """The colour at (x, y) in unit coordinates (0..1), topmost shape first."""
    if (x - 0.70) ** 2 + (y - 0.72) ** 2 <= 0.13**2:
        return DOT
    for top in (0.30, 0.42, 0.54):
        if _in_rounded_rect(x, y, (0.34, top, 0.64, top + 0.05), 0.02):
            return LINE
    if _in_rounded_rect(x, y, (0.26, 0.18, 0.74, 0.84), 0.04):
        return SHEET
    if _in_rounded_rect(x, y, (0.0, 0.0, 1.0, 1.0), 0.2):
        return BACKGROUND
    return CLEAR


def _outline_at(x: float, y: float) -> Rgba:
    color = _color_at(x, y)
    return (255, 255, 255, 255) if color in (SHEET, DOT) else CLEAR


def render(size: int, color_at: Callable[[float, float], Rgba] = _color_at) -> bytes:
    """RGBA rows, each prefixed with PNG filter type 0."""
    rows = bytearray()
    step = 1 / (size * SAMPLES)
    for py in range(size):
        rows.append(0)
        for px in range(size):
            totals = [0, 0, 0, 0]
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    x = (px * SAMPLES + sx + 0.5) * step
                    y = (py * SAMPLES + sy + 0.5) * step
                    r, g, b, a = color_at(x, y)
                    totals[0] += r * a
                    totals[1] += g * a
                    totals[2] += b * a
                    totals[3] += a
            alpha = totals[3]
            if alpha:
                rows.extend(round(c / alpha) for c in totals[:3])
            else:
                rows.extend((0, 0, 0))
            rows.append(round(alpha / SAMPLES**2))
    return bytes(rows)


def png(size: int, rows: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    ASSETS.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        path = ASSETS / f"icon-{size}.png"
        path.write_bytes(png(size, render(size)))
        print(f"wrote {path}")
    outline = ASSETS / f"outline-{OUTLINE_SIZE}.png"
    outline.write_bytes(png(OUTLINE_SIZE, render(OUTLINE_SIZE, _outline_at)))
    print(f"wrote {outline}")


if __name__ == "__main__":
    main()
