"""Raw-bytes answers (an image, a file): what a handler returns instead of JSON fields."""

from __future__ import annotations

import io
from dataclasses import dataclass

import png


@dataclass(frozen=True)
class Binary:
    """A success answered as bytes with their content type, as WeChat answers images."""

    content_type: str
    data: bytes


def png_bytes(rows: list[list[int]], *, width: int, height: int, alpha: bool = False) -> bytes:
    """A PNG of RGB (or RGBA) rows, each a flat list of channel values 0-255."""
    out = io.BytesIO()
    png.Writer(width, height, greyscale=False, alpha=alpha, compression=9).write(out, rows)
    return out.getvalue()


def placeholder(content_type: str) -> Binary:
    """Stand-in bytes for an API that answers a file the emulator keeps no copy of.

    Images are a real 1x1 white PNG (labelled image/png, since that is what the
    bytes are); anything else is empty bytes under the API's own content type.
    """
    if content_type.startswith("image/"):
        return Binary("image/png", png_bytes([[255, 255, 255]], width=1, height=1))
    return Binary(content_type, b"")
