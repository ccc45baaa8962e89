"""Reading the emulator's PNG answers back: pixels (pypng) and the QR code's text (zxing-cpp)."""

from __future__ import annotations

from typing import Any

import png
import zxingcpp


class _Grey:
    """A greyscale image as zxing-cpp reads it (the array interface, no numpy needed)."""

    def __init__(self, data: bytes, width: int, height: int) -> None:
        self.__array_interface__ = {"shape": (height, width), "typestr": "|u1", "data": data, "version": 3}


def pixels(image: bytes) -> tuple[int, int, list[list[int]], dict[str, Any]]:
    info = png.Reader(bytes=image).read()[3]  # as stored (alpha or not)
    width, height, rows, _ = png.Reader(bytes=image).asRGBA8()
    return width, height, [list(r) for r in rows], info


def decode_qr(image: bytes) -> list[str]:
    """The texts of the QR codes in a PNG (transparency composed on white)."""
    width, height, rows, _ = pixels(image)
    grey = bytearray()
    for row in rows:
        for i in range(0, len(row), 4):
            alpha = row[i + 3] / 255
            luma = row[i] * 0.299 + row[i + 1] * 0.587 + row[i + 2] * 0.114
            grey.append(int(luma * alpha + 255 * (1 - alpha)))
    return [found.text for found in zxingcpp.read_barcodes(_Grey(bytes(grey), width, height))]
