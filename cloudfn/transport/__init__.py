"""Transports move one API request to WeChat (or the emulator) and back."""

from .base import ApiRequest, ApiResponse, Transport, TransportError

__all__ = ["ApiRequest", "ApiResponse", "Transport", "TransportError"]
