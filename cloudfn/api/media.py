"""Media parameters: a file passed to an API as ``{"contentType", "value": <bytes>, "fileName"?}``.

The Node SDK recognises a parameter as media when it is an object with a
``contentType`` (or ``content_type``) and a Buffer ``value``; it sends it as a
file (``filename`` = its ``fileName``, else ``<key>.<extension of the type>``).
With case conversion on (the default) ``fileName`` has already become
``file_name`` when the SDK looks, so the derived name is used: the same
falls out here, since the body is snake-cased before the name is derived.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# The first extension mime-db gives each type (the Node SDK's mimeTypeToFileExtension),
# for the types WeChat's media APIs take; an unknown type falls back to "png" as there.
_EXTENSIONS = {
    "image/jpeg": "jpeg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/bmp": "bmp",
    "audio/mpeg": "mpga",
    "audio/mp3": "mp3",
    "audio/amr": "amr",
    "video/mp4": "mp4",
    "application/octet-stream": "bin",
}
_FALLBACK_EXTENSION = "png"


@dataclass(frozen=True)
class MediaPart:
    """One media parameter as it travels: a multipart file part or a KeyValuePair."""

    key: str
    content_type: str
    data: bytes
    filename: str


def is_media(value: Any) -> bool:
    """The Node SDK's test: an object with a content type and a bytes value."""
    return (
        isinstance(value, Mapping)
        and bool(value.get("contentType") or value.get("content_type"))
        and isinstance(value.get("value"), bytes | bytearray | memoryview)
        and len(value["value"]) > 0
    )


def media_part(key: str, value: Mapping[str, Any]) -> MediaPart:
    content_type = str(value.get("contentType") or value.get("content_type"))
    filename = value.get("fileName") or f"{key}.{_EXTENSIONS.get(content_type, _FALLBACK_EXTENSION)}"
    return MediaPart(key, content_type, bytes(value["value"]), str(filename))


def has_media(body: Mapping[str, Any] | None) -> bool:
    return bool(body) and any(is_media(v) for v in body.values())  # type: ignore[union-attr]


def loggable(value: Any) -> Any:
    """A media value as the request log shows it (no bytes in the JSON log)."""
    if is_media(value):
        part = media_part("media", value)
        return {"contentType": part.content_type, "fileName": value.get("fileName"), "bytes": len(part.data)}
    return value


__all__ = ["MediaPart", "has_media", "is_media", "loggable", "media_part"]
