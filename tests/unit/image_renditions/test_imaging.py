"""Rendition maths, orientation, format conversions, hostile inputs and a golden comparison."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageOps, ImageStat

from image_renditions.imaging import UnusableImage, decode, encode, render
from image_renditions.spec import Rendition, output_format, output_key, target_size

LIMIT = 10_000_000


def save(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def scene(width: int, height: int) -> Image.Image:
    """A photo-like test image: gradient, shapes and a marker in the top-left corner."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.ellipse((width // 4, height // 4, 3 * width // 4, 3 * height // 4), fill=(200, 40, 40))
    draw.rectangle((0, 0, width // 5, height // 5), fill=(20, 200, 20))
    return image


def open_bytes(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize(
    ("size", "box", "expected"),
    [
        ((4000, 3000), (1600, 1600), (1600, 1200)),
        ((3000, 4000), (1600, 1600), (1200, 1600)),
        ((800, 600), (1600, 1600), (800, 600)),  # never upscaled
        ((1000, 10), (100, 100), (100, 1)),
        ((10, 5000), (100, 100), (1, 100)),  # never 0 pixels wide
        ((1920, 1080), (640, 2000), (640, 360)),
    ],
)
def test_target_size_keeps_aspect_and_never_upscales(
    size: tuple[int, int], box: tuple[int, int], expected: tuple[int, int]
) -> None:
    assert target_size(*size, *box) == expected


def test_output_keys_are_deterministic() -> None:
    assert output_key("thumb", "a/b/photo.JPG", "WEBP") == "thumb/a/b/photo.webp"
    assert output_key("large", "no-extension", "JPEG") == "large/no-extension.jpg"
    assert output_key("large", "dir.v2/.hidden", "PNG") == "large/dir.v2/.hidden.png"


def test_keep_format_rules() -> None:
    keep = Rendition("x", 10, 10)
    assert output_format(keep, "JPEG", False) == "JPEG"
    assert output_format(keep, "WEBP", True) == "WEBP"
    assert output_format(keep, "GIF", True) == "PNG"
    assert output_format(keep, "TIFF", False) == "JPEG"
    assert output_format(Rendition("x", 10, 10, "WEBP"), "PNG", True) == "WEBP"


@pytest.mark.parametrize(("orientation", "expected"), [(1, (400, 300)), (6, (300, 400))])
def test_exif_orientation_is_applied_and_exif_stripped(
    orientation: int, expected: tuple[int, int]
) -> None:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "TestCam"
    data = save(scene(800, 600), "JPEG", exif=exif.tobytes(), quality=95)
    renditions = (Rendition("r", 400, 400, "JPEG"),)
    [rendered] = render(decode(data, max_pixels=LIMIT, renditions=renditions), renditions)
    out = open_bytes(rendered.data)
    assert out.size == expected == (rendered.width, rendered.height)
    assert not out.getexif() and "exif" not in out.info and "icc_profile" not in out.info
    if orientation == 6:
        # Orientation 6 = rotate 90° clockwise to display: the green marker (top-left in the
        # stored pixels) ends up top-right.
        r, g, _ = out.getpixel((out.width - 5, 5))  # type: ignore[misc]
        assert g > 150 and r < 100


def test_golden_rendition_matches_a_reference_resize() -> None:
    """The fast path (draft + derived sizes) stays within a small mean pixel difference of a
    straightforward full-quality resize of the original."""
    original = scene(3000, 2000)
    data = save(original, "JPEG", quality=95)
    renditions = (
        Rendition("large", 1200, 1200, "PNG"),
        Rendition("small", 400, 400, "PNG"),
        Rendition("thumb", 120, 120, "PNG"),
    )
    results = render(decode(data, max_pixels=LIMIT, renditions=renditions), renditions)
    for rendered in results:
        reference = original.resize((rendered.width, rendered.height), Image.Resampling.LANCZOS)
        diff = ImageChops.difference(open_bytes(rendered.data).convert("RGB"), reference)
        mean = sum(ImageStat.Stat(diff).mean) / 3
        assert mean < 2.5, f"{rendered.rendition.name}: mean pixel difference {mean:.2f}"


def test_every_rendition_from_one_decode_in_requested_order() -> None:
    renditions = (
        Rendition("thumb", 100, 100, "JPEG"),
        Rendition("large", 1000, 1000, "WEBP"),
        Rendition("medium", 500, 500),
    )
    data = save(scene(2000, 1000), "PNG")
    results = render(decode(data, max_pixels=LIMIT), renditions)
    assert [(r.rendition.name, r.width, r.height, r.format) for r in results] == [
        ("thumb", 100, 50, "JPEG"),
        ("large", 1000, 500, "WEBP"),
        ("medium", 500, 250, "PNG"),
    ]


def test_jpeg_draft_decodes_large_downscales_at_a_reduced_scale() -> None:
    data = save(scene(4000, 3000), "JPEG", quality=85)
    decoded = decode(data, max_pixels=20_000_000, renditions=(Rendition("t", 400, 400),))
    assert decoded.image.size == (500, 375), "DCT scale 1/8 is still >= the rendition"
    assert (decoded.source_width, decoded.source_height) == (4000, 3000)


def test_png_alpha_kept_for_png_and_webp_flattened_on_white_for_jpeg() -> None:
    image = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    image.paste((0, 0, 255, 255), (50, 25, 150, 75))
    decoded = decode(save(image, "PNG"), max_pixels=LIMIT)
    renditions = (Rendition("p", 100, 100, "PNG"), Rendition("w", 100, 100, "WEBP"))
    renditions += (Rendition("j", 100, 100, "JPEG"),)
    png, webp, jpeg = (open_bytes(r.data) for r in render(decoded, renditions))
    assert png.mode == "RGBA" and png.getpixel((0, 0))[3] == 0  # type: ignore[index]
    assert webp.mode == "RGBA" and webp.getpixel((0, 0))[3] == 0  # type: ignore[index]
    assert jpeg.mode == "RGB" and min(jpeg.getpixel((0, 0))) > 245  # type: ignore[arg-type]
    assert jpeg.getpixel((50, 25))[2] > 200  # type: ignore[index]


@pytest.mark.parametrize(
    ("make", "mode"),
    [
        (lambda: Image.new("CMYK", (64, 48), (0, 255, 255, 0)), "RGB"),
        (lambda: Image.new("I;16", (64, 48), 65535), "L"),
        (lambda: Image.new("1", (64, 48), 1), "L"),
        (lambda: Image.new("LA", (64, 48), (128, 10)), "RGBA"),
        (lambda: Image.new("RGB", (64, 48), (10, 200, 10)).quantize(16), "RGB"),
    ],
    ids=["cmyk", "16-bit", "1-bit", "grey-alpha", "palette"],
)
def test_modes_are_normalised(make: object, mode: str) -> None:
    image = make()  # type: ignore[operator]
    fmt = "TIFF" if image.mode == "CMYK" else "PNG"
    decoded = decode(save(image, fmt), max_pixels=LIMIT)
    assert decoded.image.mode == mode
    [rendered] = render(decoded, (Rendition("r", 32, 32, "JPEG"),))
    assert open_bytes(rendered.data).mode in ("RGB", "L")


def test_cmyk_red_stays_red_and_16_bit_white_stays_white() -> None:
    cmyk = decode(save(Image.new("CMYK", (8, 8), (0, 255, 255, 0)), "JPEG"), max_pixels=LIMIT)
    r, g, b = cmyk.image.getpixel((4, 4))  # type: ignore[misc]
    assert r > 200 and g < 60 and b < 60
    grey = decode(save(Image.new("I;16", (8, 8), 65535), "PNG"), max_pixels=LIMIT)
    assert grey.image.getpixel((4, 4)) == 255


def test_palette_with_transparency_becomes_rgba() -> None:
    image = Image.new("P", (20, 20), 0)
    image.putpalette([255, 255, 255, 255, 0, 0] + [0] * 762)
    image.paste(1, (5, 5, 15, 15))
    data = save(image, "GIF", transparency=0)
    decoded = decode(data, max_pixels=LIMIT)
    assert decoded.image.mode == "RGBA" and decoded.has_alpha
    assert output_format(Rendition("k", 10, 10), decoded.source_format, True) == "PNG"


def test_animated_gif_first_frame_used() -> None:
    frames = [Image.new("RGB", (30, 20), c) for c in [(255, 0, 0), (0, 255, 0), (0, 0, 255)]]
    data = save(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50)
    decoded = decode(data, max_pixels=LIMIT)
    assert decoded.frames == 3
    r, g, _ = decoded.image.convert("RGB").getpixel((10, 10))  # type: ignore[misc]
    assert r > 200 and g < 50


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "not an image"),
        (b"hello, I am text", "not an image"),
        (b"%PDF-1.4\n" + b"0" * 100, "not an image"),
    ],
    ids=["zero-bytes", "text", "pdf"],
)
def test_non_images_are_refused(data: bytes, reason: str) -> None:
    with pytest.raises(UnusableImage, match=reason):
        decode(data, max_pixels=LIMIT)


def test_truncated_jpeg_is_refused() -> None:
    data = save(scene(600, 400), "JPEG")
    with pytest.raises(UnusableImage, match="truncated or corrupt"):
        decode(data[: len(data) // 2], max_pixels=LIMIT)


def test_unsupported_format_is_not_even_tried() -> None:
    data = save(scene(20, 20), "PPM")
    with pytest.raises(UnusableImage, match="not an image"):
        decode(data, max_pixels=LIMIT)


@pytest.mark.parametrize("side", [3500, 5000], ids=["over-limit-warning", "over-2x-error"])
def test_decompression_bombs_are_refused_before_decoding(side: int) -> None:
    data = save(Image.new("L", (side, side)), "PNG", optimize=True)
    assert len(data) < 100_000, "a tiny file"
    with pytest.raises(UnusableImage, match="decompression bomb"):
        decode(data, max_pixels=LIMIT)


def test_encode_drops_icc_and_text_metadata() -> None:
    image = scene(40, 30)
    image.info["icc_profile"] = b"fake-profile"
    image.info["comment"] = b"secret"
    for fmt in ("JPEG", "PNG", "WEBP"):
        out = open_bytes(encode(image, fmt, 80))
        assert "icc_profile" not in out.info and "comment" not in out.info, fmt


def test_exif_transpose_reference_agrees() -> None:
    exif = Image.Exif()
    exif[0x0112] = 8
    data = save(scene(300, 200), "JPEG", exif=exif.tobytes(), quality=95)
    decoded = decode(data, max_pixels=LIMIT)
    reference = ImageOps.exif_transpose(open_bytes(data))
    assert decoded.image.size == reference.size == (200, 300)
