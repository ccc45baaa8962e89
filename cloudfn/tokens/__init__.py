"""Access tokens: fetched once, shared, refreshed once when the server rejects them."""

from .provider import TokenFetchError, TokenProvider
from .store import CachedToken, MemoryTokenStore, TokenStore

__all__ = ["CachedToken", "MemoryTokenStore", "TokenFetchError", "TokenProvider", "TokenStore"]
