"""The libvips anchor of `make bench` (benchmarks/image_renditions.py) writes the same PNG as the
function: the same row filters, chosen per row by the same rule, so only the zlib implementation
and the time differ.

Pillow's encoder (ZipEncode.c) tries None, Up, Sub and Paeth on every row and keeps the one whose
bytes have the smallest sum of absolute values; libvips' pngsave defaults to no filter at all,
and its "all" also tries Average and so picks differently. Each PNG row in the zlib stream starts
with its filter type, which is what is compared here.
"""

from __future__ import annotations

import io
import struct
import zlib

import pyvips
from benchmarks.image_renditions import libvips_encode
from PIL import Image, ImageDraw

from image_renditions.imaging import encode

CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # PNG colour type -> channels (8-bit)


def row_filters(png: bytes) -> list[int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    position, idat, width, height, colour_type = 8, b"", 0, 0, 0
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position : position + 8])
        body = png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + width * CHANNELS[colour_type]
    assert len(raw) == stride * height
    return [raw[row * stride] for row in range(height)]


def rendition_like(mode: str) -> Image.Image:
    """Gradients, lines, text and a gradient alpha, downscaled: rows where different filters win."""
    image = Image.linear_gradient("L").resize((900, 600)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for n in range(0, 900, 37):
        draw.line((n, 0, 900 - n, 600), fill=(n % 255, 80, 200), width=5)
    for y in range(10, 600, 40):
        draw.text((20, y), "Invoice 2026-12 total 1,234.56 EUR", fill=(10, 10, 10))
    if mode == "RGBA":
        image.putalpha(Image.linear_gradient("L").resize(image.size))
    return image.resize((480, 320), Image.Resampling.LANCZOS)


def as_vips(image: Image.Image) -> pyvips.Image:
    return pyvips.Image.new_from_memory(
        image.tobytes(), image.width, image.height, len(image.getbands()), "uchar"
    )


def test_the_anchor_filters_every_row_as_the_function_does() -> None:
    for mode in ("RGBA", "RGB"):
        image = rendition_like(mode)
        ours = row_filters(encode(image, "PNG", 82))
        anchor = row_filters(libvips_encode(as_vips(image), "PNG", 82))
        assert len(set(ours)) >= 3, f"{mode}: the image should make Pillow use several filters"
        assert anchor == ours, mode


def test_row_filters_reads_what_was_written() -> None:
    image = rendition_like("RGB")
    plain = io.BytesIO()
    image.convert("P").save(plain, "PNG")  # palette images are written unfiltered
    assert set(row_filters(plain.getvalue())) == {0}
    assert len(set(row_filters(encode(image, "PNG", 82)))) >= 3
