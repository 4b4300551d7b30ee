"""Scenario 6: renditions of a 12-megapixel JPEG into 3 sizes, this implementation vs the naive
one (open + exif_transpose + resize + save per size), in the same run; time and peak memory.

Each variant runs in its own fresh interpreter so its peak resident memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import io
import json
import resource
import statistics
import subprocess
import sys
import time

from PIL import Image, ImageDraw, ImageOps

from benchmarks.report import Result
from image_renditions.imaging import decode, render
from image_renditions.spec import Rendition, target_size

RENDITIONS = (
    Rendition("large", 1600, 1600, "JPEG"),
    Rendition("small", 480, 480, "WEBP"),
    Rendition("thumb", 160, 160, "JPEG", 75),
)
ROUNDS = 5


def sample_jpeg(width: int = 4000, height: int = 3000) -> bytes:
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for n in range(0, width, 97):
        draw.line((n, 0, width - n, height), fill=(n % 255, 80, 200), width=9)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def fast(data: bytes) -> None:
    render(decode(data, max_pixels=50_000_000, renditions=RENDITIONS), RENDITIONS)


def naive(data: bytes) -> None:
    for rendition in RENDITIONS:
        image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
        size = target_size(*image.size, rendition.max_width, rendition.max_height)
        resized = image.resize(size, Image.Resampling.LANCZOS)
        resized.save(io.BytesIO(), rendition.format if rendition.format != "keep" else "JPEG")


def _child(variant: str) -> None:
    data = sample_jpeg()
    run = fast if variant == "fast" else naive
    run(data)  # warm-up
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        run(data)
        samples.append(time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": statistics.median(samples), "peak_mb": peak_mb}))


def _measure(variant: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.image_renditions", variant],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def renditions_12mp() -> Result:
    fast_run, naive_run = _measure("fast"), _measure("naive")
    return Result(
        name="image_renditions: 12 MP JPEG -> 3 renditions (median of 5)",
        unit="ms",
        value=fast_run["seconds"] * 1000,
        baseline_name="naive open+resize per size",
        baseline_value=naive_run["seconds"] * 1000,
        notes={
            "peak_mb": round(fast_run["peak_mb"], 1),
            "naive_peak_mb": round(naive_run["peak_mb"], 1),
        },
    )


if __name__ == "__main__":
    _child(sys.argv[1])
