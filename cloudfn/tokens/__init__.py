"""Access tokens: fetched once, shared, refreshed once when the server rejects them.

Stores: memory (one process), file (one machine), Redis (many hosts); pick
one with :func:`from_url`. The file and Redis stores load on demand.
"""

from .provider import TokenFetchError, TokenProvider
from .store import CachedToken, MemoryTokenStore, TokenStore, TokenStoreError
from .url import DEFAULT_TOKEN_STORE, from_url

__all__ = [
    "DEFAULT_TOKEN_STORE",
    "CachedToken",
    "MemoryTokenStore",
    "TokenFetchError",
    "TokenProvider",
    "TokenStore",
    "TokenStoreError",
    "from_url",
]
