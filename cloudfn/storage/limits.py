"""The platform's documented defaults and limits for storage requests."""

DEFAULT_MAX_AGE_S = 86400  # a temporary URL asked for without maxAge lives one day
MAX_BATCH = 50  # files per getTempFileURL / deleteFile request

__all__ = ["DEFAULT_MAX_AGE_S", "MAX_BATCH"]
