"""What a picture file is, checked without trusting it: PNG or JPEG, its size in pixels.

Used by ``lectio validate`` (a lesson's figures and Markdown images) and by lectio's own
process for every picture a kernel sends back (a cell's plot is bytes from code the learner
or an author wrote: never drawn before this says it is a sound PNG of a sane size). Standard
library only (``struct``, ``zlib``): no imaging library is imported to check a file. A PNG is
walked chunk by chunk with each chunk's CRC checked and its image data inflated (bounded, so a
compression bomb costs nothing) to the exact size its header promises; a JPEG is walked segment
by segment to its frame header and must end with its end-of-image marker.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PIXELS = 40_000_000
"""Width times height a picture may have (a 6000x6000 photo is 36 M)."""
MAX_SIDE = 20_000
MAX_FILE_BYTES = 32 * 1024 * 1024
"""Bytes a picture file may have."""
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
"""PNG colour type -> samples per pixel."""


class PictureError(ValueError):
    """Not a readable PNG or JPEG; the message says what is wrong, for an author."""


@dataclass(frozen=True, slots=True)
class PictureInfo:
    format: str
    """``PNG`` or ``JPEG``."""
    width: int
    height: int

    def __str__(self) -> str:
        return f"{self.width}x{self.height}"


def inspect(data: bytes) -> PictureInfo:
    """The format and size of a PNG or JPEG held in ``data``; :class:`PictureError` if it is
    neither, is damaged, or is larger than :data:`MAX_PIXELS`."""
    if len(data) > MAX_FILE_BYTES:
        raise PictureError(f"is {len(data):,} bytes; pictures are limited to {MAX_FILE_BYTES:,}")
    if data.startswith(PNG_SIGNATURE):
        return _png(data)
    if data.startswith(b"\xff\xd8\xff"):
        return _jpeg(data)
    if not data:
        raise PictureError("is empty, not a PNG or JPEG picture")
    kind = _guess(data)
    raise PictureError(f"is not a PNG or JPEG picture{f' (it looks like {kind})' if kind else ''}")


def inspect_file(path: Path) -> PictureInfo:
    """:func:`inspect` of a file, reading at most one byte past the size limit."""
    with path.open("rb") as fh:
        data = fh.read(MAX_FILE_BYTES + 1)
    return inspect(data)


def _guess(data: bytes) -> str:
    for magic, name in (
        (b"GIF8", "a GIF"),
        (b"<svg", "an SVG"),
        (b"<?xml", "XML, perhaps an SVG"),
        (b"RIFF", "a WebP or another RIFF file"),
        (b"%PDF", "a PDF"),
        (b"BM", "a BMP"),
    ):
        if data.lstrip()[: len(magic)] == magic:
            return name
    return ""


def _sane(width: int, height: int) -> None:
    if width < 1 or height < 1:
        raise PictureError(f"says it is {width}x{height} pixels")
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise PictureError(
            f"is {width}x{height} pixels; pictures are limited to {MAX_PIXELS:,} pixels "
            f"and {MAX_SIDE:,} on a side"
        )


def png_header(data: bytes) -> tuple[int, int, int, int, int]:
    """Width, height, bit depth, colour type and interlace method of a PNG's IHDR chunk."""
    if len(data) < 33 or data[12:16] != b"IHDR":
        raise PictureError("is a damaged PNG: no IHDR header after the signature")
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", data[16:29])
    return width, height, depth, colour, interlace


def _png(data: bytes) -> PictureInfo:
    width, height, depth, colour, interlace = png_header(data)
    if colour not in _CHANNELS or depth not in {1, 2, 4, 8, 16}:
        raise PictureError(f"is a damaged PNG: colour type {colour}, bit depth {depth}")
    _sane(width, height)
    pos = 8
    inflater = zlib.decompressobj()
    bits = depth * _CHANNELS[colour]
    expected = _png_data_size(width, height, bits, interlace)
    inflated = 0
    seen_end = False
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        crc = data[pos + 8 + length : pos + 12 + length]
        if len(body) != length or len(crc) != 4:
            raise PictureError(f"is a damaged PNG: the {_name(kind)} chunk is cut short")
        if struct.unpack(">I", crc)[0] != zlib.crc32(kind + body) & 0xFFFFFFFF:
            raise PictureError(f"is a damaged PNG: the {_name(kind)} chunk's checksum is wrong")
        if kind == b"IDAT":
            try:
                inflated += len(inflater.decompress(body, expected + 1 - inflated))
            except zlib.error as exc:
                raise PictureError(f"is a damaged PNG: its image data is corrupt ({exc})") from None
            if inflated > expected:
                raise PictureError("is a damaged PNG: more image data than its size says")
        pos += 12 + length
        if kind == b"IEND":
            seen_end = True
            break
    if not seen_end:
        raise PictureError("is a damaged PNG: it is cut short (no IEND chunk)")
    if inflated != expected:
        raise PictureError(
            f"is a damaged PNG: {inflated:,} bytes of image data where {expected:,} were expected"
        )
    return PictureInfo("PNG", width, height)


def _png_data_size(width: int, height: int, bits: int, interlace: int) -> int:
    """Bytes of filtered scanlines a PNG of this size must inflate to."""

    def rows(w: int, h: int) -> int:
        if w == 0 or h == 0:
            return 0
        return h * (1 + (w * bits + 7) // 8)

    if interlace == 0:
        return rows(width, height)
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2)]
    passes.append((0, 1, 1, 2))
    return sum(
        rows((width - x + dx - 1) // dx, (height - y + dy - 1) // dy) for x, y, dx, dy in passes
    )


def _name(kind: bytes) -> str:
    return kind.decode("ascii") if kind.isalpha() and kind.isascii() else "(damaged) type"


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg(data: bytes) -> PictureInfo:
    pos = 2
    size: tuple[int, int] | None = None
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise PictureError("is a damaged JPEG: a segment does not start with a marker")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in {0xD8, 0x01} or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2 or pos + 2 + length > len(data):
            raise PictureError("is a damaged JPEG: it is cut short")
        if marker in _SOF:
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            size = (width, height)
        if marker == 0xDA:  # start of scan: entropy-coded data up to the end marker
            break
        pos += 2 + length
    if size is None:
        raise PictureError("is a damaged JPEG: no frame header gives its size")
    if not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        raise PictureError("is a damaged JPEG: it is cut short (no end-of-image marker)")
    _sane(*size)
    return PictureInfo("JPEG", *size)
