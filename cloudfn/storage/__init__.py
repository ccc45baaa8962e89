"""Cloud storage, client side: ``uploadFile``, ``downloadFile``, ``getTempFileURL``, ``deleteFile``.

:mod:`.client` holds the calls; :mod:`.fileid` and :mod:`.paths` are pure rules the
emulator shares.
"""
