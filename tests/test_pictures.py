"""engine.pictures: a picture's format and size, checked without trusting the bytes."""

from __future__ import annotations

import io
import struct
import warnings
import zlib
from pathlib import Path

import pytest

from engine.pictures import MAX_PIXELS, PictureError, PictureInfo, inspect, inspect_file


def chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def png(width: int, height: int, data: bytes | None = None, colour: int = 2) -> bytes:
    channels = {0: 1, 2: 3, 6: 4}[colour]
    raw = (
        data
        if data is not None
        else b"".join(b"\0" + b"\x80" * width * channels for _ in range(height))
    )
    header = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_a_sound_png() -> None:
    assert inspect(png(7, 3)) == PictureInfo("PNG", 7, 3)
    assert inspect(png(2, 2, colour=6)) == PictureInfo("PNG", 2, 2)
    assert str(inspect(png(7, 3))) == "7x3"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"GIF89a\x01\x00", "it looks like a GIF"),
        (b"<svg xmlns='x'/>", "it looks like an SVG"),
        (b"hello", "is not a PNG or JPEG picture"),
        (png(7, 3)[:-20], "cut short"),
        (png(7, 3)[:30], "damaged PNG"),
        (png(7, 3).replace(b"IEND", b"IENX"), "checksum is wrong"),
        (png(7, 3, data=b"\0" * 10), "bytes of image data where"),
        (png(1, 1, data=b"\0" * 10_000_000), "more image data than its size says"),
        (png(30_000, 1, data=b""), "pictures are limited to"),
    ],
)
def test_damaged_or_unsafe_pictures(data: bytes, message: str) -> None:
    with pytest.raises(PictureError, match=message):
        inspect(data)


def test_limits() -> None:
    side = int(MAX_PIXELS**0.5) + 10
    with pytest.raises(PictureError, match="limited"):
        inspect(png(side, side, data=b""))


def test_jpeg(tmp_path: Path) -> None:
    image = pytest.importorskip("PIL.Image")
    out = io.BytesIO()
    image.new("RGB", (40, 25), (200, 10, 10)).save(out, "JPEG")
    data = out.getvalue()
    assert inspect(data) == PictureInfo("JPEG", 40, 25)
    with pytest.raises(PictureError, match="cut short"):
        inspect(data[: len(data) // 2])
    path = tmp_path / "a.jpg"
    path.write_bytes(data)
    assert inspect_file(path).format == "JPEG"


def test_half_blocks_pair_each_row_with_the_next_without_deprecated_pillow_calls() -> None:
    image_module = pytest.importorskip("PIL.Image")
    from engine.picture_grid import half_blocks

    colours = [(200, 0, 0), (0, 0, 200), (0, 150, 0), (90, 90, 90)]  # four rows, two pixels wide
    picture = image_module.new("RGB", (2, 4))
    for y, colour in enumerate(colours):
        for x in range(2):
            picture.putpixel((x, y), colour)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Image.getdata warns since Pillow 12.1
        grid = half_blocks(buffer.getvalue(), 2, 2)
    assert grid == (
        ((colours[0], colours[1]), (colours[0], colours[1])),
        ((colours[2], colours[3]), (colours[2], colours[3])),
    )
