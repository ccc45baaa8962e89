"""`cloudfn invoke examples/update_printer` end to end (embedded emulator): median of N runs.

Printed beside a bare `python -c pass` so the interpreter's own start-up cost is visible.
Usage: python bench/bench_invoke.py [runs]   (target: median <= 1.0 s)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXPECTED = '{"errMsg": "openapi.logistics.updatePrinter:ok", "errCode": 0}'


def timed(command: list[str], env: dict[str, str], check_output: str | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, check=True)
    elapsed = time.perf_counter() - started
    if check_output is not None and done.stdout.strip() != check_output:
        raise SystemExit(f"unexpected output: {done.stdout!r} {done.stderr!r}")
    return elapsed


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDFN_")}
    bare = [timed([sys.executable, "-c", "pass"], env) for _ in range(runs)]
    invoke = [
        timed([sys.executable, "-m", "cloudfn", "invoke", "examples/update_printer"], env, EXPECTED)
        for _ in range(runs)
    ]
    median = statistics.median(invoke)
    print(f"python -c pass                              : median {statistics.median(bare) * 1000:7.1f} ms")
    print(
        f"cloudfn invoke examples/update_printer      : median {median * 1000:7.1f} ms "
        f"(min {min(invoke) * 1000:.1f}, max {max(invoke) * 1000:.1f}; {runs} runs; target <= 1000 ms)"
    )
    print(f"ratio invoke/bare interpreter               : {median / statistics.median(bare):7.2f}")


if __name__ == "__main__":
    main()
