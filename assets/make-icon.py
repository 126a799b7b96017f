#!/usr/bin/env python3
"""Writes assets/icon.png, the 128 x 128 package icon, with the standard library only (zlib + struct).

The picture is the library's idea in four bars: the share of a model's parameters by kind, in the colors the
`parameterkit` tool uses for them (embedding blue, weight green, bias yellow, norm gain fuchsia), on a dark
rounded square. Run `python3 assets/make-icon.py` from the repository root to regenerate it byte for byte.
"""
import struct
import zlib

SIZE = 128
BACKGROUND = (24, 28, 38)
# (color, height in pixels): GPT-2 small's shares, rounded up so the small kinds stay visible.
BARS = [((59, 130, 246), 60), ((34, 197, 94), 96), ((234, 179, 8), 18), ((217, 70, 239), 12)]
RADIUS = 22


def inside_rounded_square(x, y):
    cx = min(max(x, RADIUS), SIZE - 1 - RADIUS)
    cy = min(max(y, RADIUS), SIZE - 1 - RADIUS)
    return (x - cx) ** 2 + (y - cy) ** 2 <= RADIUS ** 2


def pixel(x, y):
    if not inside_rounded_square(x, y):
        return (0, 0, 0, 0)
    bar_width, gap, left, base = 20, 8, 14, 110
    for i, (color, height) in enumerate(BARS):
        x0 = left + i * (bar_width + gap)
        if x0 <= x < x0 + bar_width and base - height <= y < base:
            return color + (255,)
    return BACKGROUND + (255,)


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


rows = b"".join(b"\x00" + bytes(c for x in range(SIZE) for c in pixel(x, y)) for y in range(SIZE))
png = (b"\x89PNG\r\n\x1a\n"
       + chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(rows, 9))
       + chunk(b"IEND", b""))
with open("assets/icon.png", "wb") as f:
    f.write(png)
print(f"assets/icon.png: {SIZE} x {SIZE}, {len(png)} bytes")
