"""Settings read from the environment once, at cold start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from image_renditions.spec import Rendition, SpecError, parse_renditions
from lambda_common.env import ConfigError, integer, required

__all__ = ["Config", "ConfigError", "load_config"]

DEFAULT_MAX_OBJECT_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_IMAGE_PIXELS = 50_000_000


@dataclass(frozen=True)
class Config:
    destination_bucket: str
    renditions: tuple[Rendition, ...]
    max_object_bytes: int = DEFAULT_MAX_OBJECT_BYTES
    max_image_pixels: int = DEFAULT_MAX_IMAGE_PIXELS
    quarantine_prefix: str | None = None


def load_config(env: Mapping[str, str]) -> Config:
    destination = required(env, "DESTINATION_BUCKET")
    try:
        renditions = parse_renditions(env.get("RENDITIONS", ""))
    except SpecError as error:
        raise ConfigError(str(error)) from error
    quarantine = env.get("QUARANTINE_PREFIX", "").strip().strip("/")
    return Config(
        destination_bucket=destination,
        renditions=renditions,
        max_object_bytes=integer(env, "MAX_OBJECT_BYTES", DEFAULT_MAX_OBJECT_BYTES),
        max_image_pixels=integer(env, "MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS),
        quarantine_prefix=quarantine or None,
    )
