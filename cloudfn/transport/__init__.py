"""Transports move one API request to WeChat (or the emulator) and back."""

from .base import ApiRequest, ApiResponse, Transport
from .errors import ConnectError, NetworkError, PlatformRefusal, TransportError

__all__ = [
    "ApiRequest",
    "ApiResponse",
    "ConnectError",
    "NetworkError",
    "PlatformRefusal",
    "Transport",
    "TransportError",
]
