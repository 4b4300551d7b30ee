"""Settings read from the environment once, at cold start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from image_renditions.spec import Rendition, SpecError, parse_renditions

DEFAULT_MAX_OBJECT_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_IMAGE_PIXELS = 50_000_000


class ConfigError(RuntimeError):
    """The function is deployed without a setting it needs."""


@dataclass(frozen=True)
class Config:
    destination_bucket: str
    renditions: tuple[Rendition, ...]
    max_object_bytes: int = DEFAULT_MAX_OBJECT_BYTES
    max_image_pixels: int = DEFAULT_MAX_IMAGE_PIXELS
    quarantine_prefix: str | None = None


def load_config(env: Mapping[str, str]) -> Config:
    destination = env.get("DESTINATION_BUCKET", "").strip()
    if not destination:
        raise ConfigError("environment variable DESTINATION_BUCKET is required")
    try:
        renditions = parse_renditions(env.get("RENDITIONS", ""))
    except SpecError as error:
        raise ConfigError(str(error)) from error
    quarantine = env.get("QUARANTINE_PREFIX", "").strip().strip("/")
    return Config(
        destination_bucket=destination,
        renditions=renditions,
        max_object_bytes=_positive(env, "MAX_OBJECT_BYTES", DEFAULT_MAX_OBJECT_BYTES),
        max_image_pixels=_positive(env, "MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS),
        quarantine_prefix=quarantine or None,
    )


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigError(f"{name} must be a positive integer, got {raw!r}")
    return value
