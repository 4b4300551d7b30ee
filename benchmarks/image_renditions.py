"""Scenario 4: three renditions (1600 px keep / 480 px WebP / 160 px JPEG q75) of a 12 MP JPEG, a
24 MP JPEG and a 6 MP RGBA PNG, by this implementation and by two anchors in the same run:

- naive: Image.open + exif_transpose + LANCZOS resize from the full decode, once per rendition;
- libvips (pyvips + the pyvips-binary wheel, a bench-only dependency): thumbnail once (shrink on
  load, autorotate), then each smaller rendition resized from the previous one, as
  AWS's Serverless Image Handler does through sharp. One thread (VIPS_CONCURRENCY=1): a Lambda
  below 1769 MB has less than one vCPU, and Pillow's resize and encoders use one thread.

All three encode the same formats with the same settings (the function's `encode`, and the same
quality, progressive and effort for libvips), so only decode and resize strategies differ.

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

from PIL import Image, ImageDraw, ImageOps

from benchmarks.report import Result, peak_rss_mb
from image_renditions.imaging import decode, encode, render
from image_renditions.spec import Rendition, output_format, target_size

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


def fast(data: bytes) -> None:
    render(decode(data, max_pixels=50_000_000, renditions=RENDITIONS), RENDITIONS)


def naive(data: bytes) -> None:
    for rendition in RENDITIONS:
        image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
        source_format = "PNG" if data.startswith(b"\x89PNG") else "JPEG"
        size = target_size(*image.size, rendition.max_width, rendition.max_height)
        resized = image.resize(size, Image.Resampling.LANCZOS)
        fmt = output_format(rendition, source_format, resized.mode == "RGBA")
        encode(resized, fmt, rendition.quality)


def libvips(data: bytes) -> None:
    import pyvips  # noqa: PLC0415

    source_format = "PNG" if data.startswith(b"\x89PNG") else "JPEG"
    largest = max(RENDITIONS, key=lambda r: r.max_width * r.max_height)
    image = pyvips.Image.thumbnail_buffer(
        data, largest.max_width, height=largest.max_height, size="down"
    ).copy_memory()
    for rendition in sorted(RENDITIONS, key=lambda r: r.max_width * r.max_height, reverse=True):
        width, height = target_size(
            image.width, image.height, rendition.max_width, rendition.max_height
        )
        if (width, height) != (image.width, image.height):
            image = image.resize(width / image.width, kernel="lanczos3").copy_memory()
        fmt = output_format(rendition, source_format, image.hasalpha())
        if fmt == "JPEG":
            flat = image.flatten(background=[255, 255, 255]) if image.hasalpha() else image
            flat.jpegsave_buffer(Q=rendition.quality, interlace=True, keep="none")
        elif fmt == "WEBP":
            image.webpsave_buffer(Q=rendition.quality, effort=4, keep="none")
        else:
            image.pngsave_buffer(compression=6, keep="none")


def _child(variant: str, kind: str, width: int, height: int) -> None:
    data = sample(kind, width, height)
    run: Callable[[bytes], None] = {"fast": fast, "naive": naive, "libvips": libvips}[variant]
    if variant == "libvips":
        import pyvips  # noqa: PLC0415

        pyvips.cache_set_max(0)  # every round decodes again, like the others
    run(data)  # warm-up
    cpu, wall = [], []
    for _ in range(ROUNDS):
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        run(data)
        cpu.append(time.process_time() - cpu_start)
        wall.append(time.perf_counter() - wall_start)
    peak_mb = peak_rss_mb()
    print(
        json.dumps(
            {"cpu": statistics.median(cpu), "wall": statistics.median(wall), "peak_mb": peak_mb}
        )
    )


def _measure(variant: str, kind: str, width: int, height: int) -> dict[str, float]:
    env = {**os.environ, "VIPS_CONCURRENCY": "1"}
    command = [sys.executable, "-m", "benchmarks.image_renditions", variant, kind]
    out = subprocess.run(
        [*command, str(width), str(height)], capture_output=True, text=True, check=True, env=env
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def renditions() -> list[Result]:
    results = []
    for label, (kind, width, height) in SOURCES.items():
        runs: dict[str, list[dict[str, float]]] = {variant: [] for variant in VARIANTS}
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
                },
            )
        )
    return results


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
