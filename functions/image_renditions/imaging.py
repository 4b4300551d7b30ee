"""Decode an image once, safely, and encode every rendition from it (bytes in, bytes out).

Decoding rules:
- Only JPEG, PNG, GIF, WebP, TIFF and BMP are opened (Pillow is told not to try other plugins).
- Image.MAX_IMAGE_PIXELS is the configured limit and DecompressionBombWarning is an error, so an
  image declaring more pixels than the limit is refused before its pixels are decoded.
- Truncated files are refused (ImageFile.LOAD_TRUNCATED_IMAGES stays False).
- Animated images (GIF, APNG, animated WebP): the first frame is used; `frames` reports how
  many there were.
- The EXIF orientation is applied (ImageOps.exif_transpose) and every metadata block (EXIF,
  XMP, ICC profile, comments) is dropped from the outputs; inputs are treated as sRGB.
- Modes are normalised to L, RGB or RGBA: CMYK → RGB, 16-bit → 8-bit, palette → RGB or RGBA
  (RGBA when the palette has transparency), 1-bit → L, LA → RGBA.

Speed: JPEG sources are decoded with Image.draft at the smallest DCT scale (1/2, 1/4, 1/8) still
at least as large as the largest rendition (DRAFT_GAP), so a 12 MP photo for a 1600 px rendition
is decoded at 2000x1500 instead of 4000x3000. Renditions are made largest first, each from the
smallest image already made that is at least REDUCING_GAP times its size, with LANCZOS (BICUBIC for
a step under 2x). Images with alpha are premultiplied once and the whole chain resizes RGBa. No
image is copied to drop its metadata: the images this module creates have their `info` cleared.
The fidelity of that path against a full-resolution LANCZOS resize is measured by
tests/unit/image_renditions/test_quality.py (PSNR) and its speed by `make bench`.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from image_renditions.spec import CONTENT_TYPES, Rendition, output_format, target_size

ALLOWED_INPUT_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP")
REDUCING_GAP = 2.0
DRAFT_GAP = 1.0
_TRANSPOSING_ORIENTATIONS = {5, 6, 7, 8}
_EXIF_ORIENTATION = 0x0112
ImageFile.LOAD_TRUNCATED_IMAGES = False


class UnusableImage(ValueError):
    """The bytes are not an image this function will decode; the message says why."""


@dataclass(frozen=True)
class Decoded:
    image: Image.Image
    source_format: str
    source_mode: str
    source_width: int
    source_height: int
    frames: int

    @property
    def has_alpha(self) -> bool:
        return self.image.mode == "RGBA"


@dataclass(frozen=True)
class Rendered:
    rendition: Rendition
    data: bytes
    width: int
    height: int
    format: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


def decode(data: bytes, *, max_pixels: int, renditions: tuple[Rendition, ...] = ()) -> Decoded:
    """Decode the first frame; `renditions` lets JPEG decoding skip detail nobody will see."""
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ALLOWED_INPUT_FORMATS)
            source_format = str(image.format)
            width, height = image.size
            frames = int(getattr(image, "n_frames", 1))
            orientation = image.getexif().get(_EXIF_ORIENTATION, 1)
            if source_format == "JPEG" and renditions:
                image.draft(None, _draft_box(width, height, orientation, renditions))
            image.load()
            source_mode = image.mode
            ImageOps.exif_transpose(image, in_place=True)
            normalised = _normalise(image)
            normalised.info = {}
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UnusableImage(f"decompression bomb refused: {error}") from error
    except UnidentifiedImageError as error:
        raise UnusableImage(
            "not an image, or not one of " + ", ".join(ALLOWED_INPUT_FORMATS)
        ) from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise UnusableImage(f"truncated or corrupt image: {error}") from error
    if orientation in _TRANSPOSING_ORIENTATIONS:
        width, height = height, width
    return Decoded(normalised, source_format, source_mode, width, height, frames)


def _draft_box(
    width: int, height: int, orientation: int, renditions: tuple[Rendition, ...]
) -> tuple[int, int]:
    if orientation in _TRANSPOSING_ORIENTATIONS:
        width, height = height, width
    sizes = [target_size(width, height, r.max_width, r.max_height) for r in renditions]
    box_w = max(w for w, _ in sizes) * DRAFT_GAP
    box_h = max(h for _, h in sizes) * DRAFT_GAP
    if orientation in _TRANSPOSING_ORIENTATIONS:
        box_w, box_h = box_h, box_w
    return int(box_w), int(box_h)


def _normalise(image: Image.Image) -> Image.Image:
    mode = image.mode
    if mode in ("L", "RGB", "RGBA"):
        return image
    if mode in ("P", "PA"):
        return image.convert("RGBA" if image.has_transparency_data else "RGB")
    if mode in ("LA", "La", "RGBa"):
        return image.convert("RGBA")
    if mode.startswith("I;16") or mode == "I":
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if mode in ("1", "F"):
        return image.convert("L")
    return image.convert("RGB")  # CMYK, YCbCr, LAB, HSV, RGBX


def resize_all(
    decoded: Decoded, renditions: tuple[Rendition, ...]
) -> list[tuple[Rendition, Image.Image]]:
    """Every rendition's pixels (before encoding), in the order of `renditions`.

    With alpha, resampling works on premultiplied colours (RGBa) so transparent pixels' colours
    do not bleed. Image.resize converts RGBA -> RGBa -> RGBA around every call; here the source is
    premultiplied once, every step of the chain resizes RGBa, and only the renditions go back.
    """
    plans = [
        (r, target_size(decoded.source_width, decoded.source_height, r.max_width, r.max_height))
        for r in renditions
    ]
    original = decoded.image
    premultiplied = original.mode == "RGBA" and any(size != original.size for _, size in plans)
    source = original.convert("RGBa") if premultiplied else original
    made: list[Image.Image] = [source]
    resized: dict[str, Image.Image] = {}
    for rendition, size in sorted(plans, key=lambda plan: plan[1][0] * plan[1][1], reverse=True):
        if size == original.size:
            resized[rendition.name] = original
            continue
        image = _resize_from_best(made, size, source)
        made.append(image)
        resized[rendition.name] = image.convert("RGBA") if premultiplied else image
    for image in resized.values():
        image.info = {}
    return [(r, resized[r.name]) for r in renditions]


def render(decoded: Decoded, renditions: tuple[Rendition, ...]) -> list[Rendered]:
    """Every rendition of one decoded image, encoded, in the order of `renditions`."""
    results = []
    for rendition, image in resize_all(decoded, renditions):
        fmt = output_format(rendition, decoded.source_format, decoded.has_alpha)
        data = encode(image, fmt, rendition.quality)
        results.append(Rendered(rendition, data, image.width, image.height, fmt))
    return results


def _resize_from_best(
    made: list[Image.Image], size: tuple[int, int], source: Image.Image
) -> Image.Image:
    width, height = size
    candidates = [
        image
        for image in made
        if image.width >= width * REDUCING_GAP and image.height >= height * REDUCING_GAP
    ]
    base = min(candidates, key=lambda image: image.width) if candidates else source
    # LANCZOS where the step shrinks 2x or more; BICUBIC for a gentler step (2000 -> 1600 px
    # from a drafted photo), where LANCZOS costs 40 % more for 0.2-0.4 dB (test_quality.py).
    gentle = base.width < width * 2 and base.height < height * 2
    method = Image.Resampling.BICUBIC if gentle else Image.Resampling.LANCZOS
    return base.resize(size, method, reducing_gap=REDUCING_GAP)


def encode(image: Image.Image, fmt: str, quality: int) -> bytes:
    """Encode without any metadata (EXIF, XMP, ICC, text chunks): `image.info` is cleared, the
    image itself is not copied."""
    if fmt == "JPEG" and image.mode == "RGBA":
        flattened = Image.new("RGB", image.size, (255, 255, 255))
        flattened.paste(image, mask=image.getchannel("A"))
        image = flattened
    image.info = {}
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.save(buffer, format="JPEG", quality=quality, progressive=True)
    elif fmt == "WEBP":
        image.save(buffer, format="WEBP", quality=quality, method=4)
    else:
        image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()
