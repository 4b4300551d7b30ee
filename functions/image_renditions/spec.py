"""Rendition settings, their maths (target sizes) and deterministic output keys. Pure code."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

KEEP = "keep"
OUTPUT_FORMATS = ("JPEG", "PNG", "WEBP")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


class SpecError(ValueError):
    """The configured renditions are unusable."""


@dataclass(frozen=True)
class Rendition:
    name: str
    max_width: int
    max_height: int
    format: str = KEEP
    quality: int = 82

    def fingerprint(self) -> str:
        """Short hash of the settings, stored on each output so a changed setting re-renders."""
        raw = f"{self.max_width}x{self.max_height}:{self.format}:{self.quality}"
        return hashlib.sha256(raw.encode()).hexdigest()[:12]


def parse_renditions(raw: str) -> tuple[Rendition, ...]:
    """`{"thumb": {"max_width": 160, "max_height": 160, "format": "webp", "quality": 80}, ...}`."""
    try:
        data: Any = json.loads(raw)
    except json.JSONDecodeError as error:
        raise SpecError(f"RENDITIONS is not JSON: {error}") from error
    if not isinstance(data, dict) or not data:
        raise SpecError("RENDITIONS must be a non-empty JSON object keyed by rendition name")
    renditions = [_parse_one(name, value) for name, value in sorted(data.items())]
    return tuple(renditions)


def _parse_one(name: str, value: Any) -> Rendition:
    if not _NAME.match(name):
        raise SpecError(f"rendition name {name!r}: 1-32 of a-z, 0-9, '_' and '-'")
    if not isinstance(value, dict):
        raise SpecError(f"rendition {name!r}: settings must be an object")
    width, height = value.get("max_width"), value.get("max_height")
    if not all(isinstance(v, int) and 1 <= v <= 16384 for v in (width, height)):
        raise SpecError(f"rendition {name!r}: max_width and max_height must be integers 1-16384")
    fmt = str(value.get("format", KEEP))
    fmt = KEEP if fmt.lower() == KEEP else fmt.upper()
    if fmt == "JPG":
        fmt = "JPEG"
    if fmt != KEEP and fmt not in OUTPUT_FORMATS:
        raise SpecError(f"rendition {name!r}: format must be keep, jpeg, png or webp")
    quality = value.get("quality", 82)
    if not isinstance(quality, int) or not 1 <= quality <= 100:
        raise SpecError(f"rendition {name!r}: quality must be an integer 1-100")
    return Rendition(name, width, height, fmt, quality)  # type: ignore[arg-type]


def target_size(width: int, height: int, max_width: int, max_height: int) -> tuple[int, int]:
    """Largest size inside the box with the source's aspect ratio; never larger than the source."""
    if width <= 0 or height <= 0:
        raise ValueError("image dimensions must be positive")
    scale = min(max_width / width, max_height / height, 1.0)
    if scale >= 1.0:
        return width, height
    return max(1, round(width * scale)), max(1, round(height * scale))


def output_format(rendition: Rendition, source_format: str, has_alpha: bool) -> str:
    """`keep` keeps JPEG, PNG and WebP; other sources (GIF, TIFF, BMP) become PNG when they are
    transparent and JPEG otherwise."""
    if rendition.format != KEEP:
        return rendition.format
    if source_format in OUTPUT_FORMATS:
        return source_format
    return "PNG" if has_alpha else "JPEG"


def output_key(rendition_name: str, source_key: str, fmt: str) -> str:
    """`<rendition>/<source key without its extension>.<format extension>`."""
    stem = source_key
    last = source_key.rsplit("/", 1)[-1]
    if "." in last.lstrip("."):
        stem = source_key[: source_key.rfind(".")]
    return f"{rendition_name}/{stem}.{EXTENSIONS[fmt]}"
