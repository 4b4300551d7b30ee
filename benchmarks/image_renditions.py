"""Scenario 4: three renditions (1600 px keep / 480 px WebP / 160 px JPEG q75) of a 12 MP JPEG, a
24 MP JPEG and a 6 MP RGBA PNG, by this implementation and by two anchors in the same run:

- naive: Image.open + exif_transpose + LANCZOS resize from the full decode, once per rendition;
- libvips (pyvips + the pyvips-binary wheel, a bench-only dependency): thumbnail once (shrink on
  load, autorotate), then each smaller rendition resized from the previous one, as
  AWS's Serverless Image Handler does through sharp; with alpha, the chain is resized
  premultiplied, in 8 bits as this function does (thumbnail premultiplies the first step
  itself). One thread (VIPS_CONCURRENCY=1): a Lambda
  below 1769 MB has less than one vCPU, and Pillow's resize and encoders use one thread.

All three encode the same formats with the same settings (the function's `encode`; for libvips
the same quality, progressive and effort, and for PNG the same zlib level and the same row
filters: Pillow's encoder picks, for every row, the one of None/Sub/Up/Paeth whose output has the
smallest sum of absolute values, which is what libpng does when pngsave is given exactly those
four filters, PILLOW_PNG_FILTERS; libvips' default, filter=none, skips that work). So only
decode, resize and the codec libraries differ. Each rendition's encoded size is reported beside
the times, both sides (`bytes_<rendition>` = ours/libvips) so that equivalence stays visible.

Each variant runs in its own interpreter (its peak RSS, VmHWM, is its own): a warm-up, then
ROUNDS timed runs; the median CPU time is the figure (single-threaded work, so CPU time is what
the machine's other tenants disturb least) and the median wall time is reported beside it. Each
variant's process runs 3 times and the median of those medians is kept.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw, ImageOps

from benchmarks.report import Result, peak_rss_mb
from image_renditions.imaging import decode, encode, render
from image_renditions.spec import Rendition, output_format, target_size

if TYPE_CHECKING:
    import pyvips

RENDITIONS = (
    Rendition("large", 1600, 1600),
    Rendition("small", 480, 480, "WEBP"),
    Rendition("thumb", 160, 160, "JPEG", 75),
)
ROUNDS = 5
PROCESSES = 3
SOURCES = {
    "12 MP JPEG": ("jpeg", 4000, 3000),
    "24 MP JPEG": ("jpeg", 6000, 4000),
    "6 MP RGBA PNG": ("png", 3000, 2000),
}
VARIANTS = ("fast", "naive", "libvips")


def sample(kind: str, width: int, height: int) -> bytes:
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for n in range(0, width, 97):
        draw.line((n, 0, width - n, height), fill=(n % 255, 80, 200), width=9)
    buffer = io.BytesIO()
    if kind == "png":
        image = image.convert("RGBA")
        image.putalpha(Image.linear_gradient("L").resize((width, height)))
        image.save(buffer, "PNG", compress_level=6)
    else:
        image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def fast(data: bytes) -> dict[str, int]:
    rendered = render(decode(data, max_pixels=50_000_000, renditions=RENDITIONS), RENDITIONS)
    return {r.rendition.name: len(r.data) for r in rendered}


def naive(data: bytes) -> dict[str, int]:
    sizes = {}
    for rendition in RENDITIONS:
        image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
        source_format = "PNG" if data.startswith(b"\x89PNG") else "JPEG"
        size = target_size(*image.size, rendition.max_width, rendition.max_height)
        resized = image.resize(size, Image.Resampling.LANCZOS)
        fmt = output_format(rendition, source_format, resized.mode == "RGBA")
        sizes[rendition.name] = len(encode(resized, fmt, rendition.quality))
    return sizes


# libpng's flags for the four filters Pillow's ZipEncode.c tries on every row (Average only with
# optimize=True); pngsave's "all" adds Average and then picks other filters than Pillow does.
PILLOW_PNG_FILTERS = 8 | 16 | 32 | 128  # NONE | SUB | UP | PAETH (pyvips.enums.ForeignPngFilter)


def libvips_encode(image: pyvips.Image, fmt: str, quality: int) -> bytes:
    """The function's `encode` settings, in libvips."""
    if fmt == "JPEG":
        flat = image.flatten(background=[255, 255, 255]) if image.hasalpha() else image
        data = flat.jpegsave_buffer(Q=quality, interlace=True, keep="none")
    elif fmt == "WEBP":
        data = image.webpsave_buffer(Q=quality, effort=4, keep="none")
    else:
        data = image.pngsave_buffer(compression=6, filter=PILLOW_PNG_FILTERS, keep="none")
    return bytes(data)


def libvips(data: bytes) -> dict[str, int]:
    import pyvips  # noqa: PLC0415

    source_format = "PNG" if data.startswith(b"\x89PNG") else "JPEG"
    by_area = sorted(RENDITIONS, key=lambda r: r.max_width * r.max_height, reverse=True)
    image = pyvips.Image.thumbnail_buffer(
        data, by_area[0].max_width, height=by_area[0].max_height, size="down"
    ).copy_memory()
    alpha = image.hasalpha()
    # premultiplied in 8 bits like Pillow's RGBa: libvips' resize of float pixels (what
    # premultiply() returns) is 9x slower than of uchar ones, for 0.1-0.4 dB (PSNR)
    chain = image.premultiply().rint().cast("uchar") if alpha else image
    sizes = {}
    for rendition in by_area:
        width, height = target_size(
            image.width, image.height, rendition.max_width, rendition.max_height
        )
        if (width, height) != (image.width, image.height):
            chain = chain.resize(width / chain.width, kernel="lanczos3").copy_memory()
            # cast() truncates; rounding first gains up to 4 dB (PSNR) on the chained renditions
            image = (chain.unpremultiply().rint().cast("uchar") if alpha else chain).copy_memory()
        fmt = output_format(rendition, source_format, alpha)
        sizes[rendition.name] = len(libvips_encode(image, fmt, rendition.quality))
    return sizes


def _child(variant: str, kind: str, width: int, height: int) -> None:
    data = sample(kind, width, height)
    run: Callable[[bytes], dict[str, int]] = {"fast": fast, "naive": naive, "libvips": libvips}[
        variant
    ]
    if variant == "libvips":
        import pyvips  # noqa: PLC0415

        pyvips.cache_set_max(0)  # every round decodes again, like the others
    sizes = run(data)  # warm-up
    cpu, wall = [], []
    for _ in range(ROUNDS):
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        run(data)
        cpu.append(time.process_time() - cpu_start)
        wall.append(time.perf_counter() - wall_start)
    peak_mb = peak_rss_mb()
    print(
        json.dumps(
            {
                "cpu": statistics.median(cpu),
                "wall": statistics.median(wall),
                "peak_mb": peak_mb,
                "bytes": sizes,
            }
        )
    )


def _measure(variant: str, kind: str, width: int, height: int) -> dict[str, Any]:
    env = {**os.environ, "VIPS_CONCURRENCY": "1"}
    command = [sys.executable, "-m", "benchmarks.image_renditions", variant, kind]
    out = subprocess.run(
        [*command, str(width), str(height)], capture_output=True, text=True, check=True, env=env
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def renditions() -> list[Result]:
    results = []
    for label, (kind, width, height) in SOURCES.items():
        runs: dict[str, list[dict[str, Any]]] = {variant: [] for variant in VARIANTS}
        for _ in range(PROCESSES):
            for variant in VARIANTS:
                runs[variant].append(_measure(variant, kind, width, height))
        cpu = {v: statistics.median(r["cpu"] for r in runs[v]) * 1000 for v in VARIANTS}
        wall = {v: statistics.median(r["wall"] for r in runs[v]) * 1000 for v in VARIANTS}
        peak = {v: max(r["peak_mb"] for r in runs[v]) for v in VARIANTS}
        notes: dict[str, float | int | str] = {
            "speedup_vs_naive": round(cpu["naive"] / cpu["fast"], 2),
            "wall_ms": round(wall["fast"], 1),
            "naive_wall_ms": round(wall["naive"], 1),
            "peak_mb": round(peak["fast"], 1),
            "naive_peak_mb": round(peak["naive"], 1),
        }
        results.append(
            Result(
                f"image_renditions: {label} -> 3 renditions, vs naive (CPU ms, median)",
                "ms",
                cpu["fast"],
                "naive open+resize per size",
                cpu["naive"],
                notes,
            )
        )
        results.append(
            Result(
                f"image_renditions: {label} -> 3 renditions, vs libvips (goal ratio <= 1.5)",
                "ms",
                cpu["fast"],
                "libvips thumbnail + chained resize, 1 thread",
                cpu["libvips"],
                {
                    "libvips_wall_ms": round(wall["libvips"], 1),
                    "libvips_peak_mb": round(peak["libvips"], 1),
                    **{
                        f"bytes_{r.name}": f"{runs['fast'][0]['bytes'][r.name]}"
                        f"/{runs['libvips'][0]['bytes'][r.name]}"
                        for r in RENDITIONS
                    },
                },
            )
        )
    return results


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
