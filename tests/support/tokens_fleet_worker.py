"""One instance of a deployed function: its own process, its own Cloud, the shared token store.

Reads ``go N`` lines from stdin, fires N concurrent getPrinter calls, prints
``{"ok": ..., "errors": {...}}``; exits at end of input.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter

import cloudfn


async def main() -> None:
    cloud = cloudfn.init()  # everything from CLOUDFN_* (store included)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    print("ready", flush=True)
    async with cloud:
        while line := (await reader.readline()).decode().strip():
            calls = int(line.split()[1])
            outcomes = await asyncio.gather(
                *(cloud.openapi.logistics.getPrinter() for _ in range(calls)), return_exceptions=True
            )
            errors = Counter(
                str(getattr(o, "errCode", type(o).__name__)) for o in outcomes if isinstance(o, BaseException)
            )
            ok = sum(1 for o in outcomes if not isinstance(o, BaseException))
            print(json.dumps({"ok": ok, "errors": dict(errors)}), flush=True)


asyncio.run(main())
