"""`import cloudfn` time: median of fresh interpreters, beside `import json` as the baseline.

Usage: python bench/bench_import.py [runs]   (target: cloudfn <= 150 ms)
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def measure(statement: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def importtime(module: str, runs: int) -> float:
    """Cumulative import time of ``module`` as ``python -X importtime`` reports it (seconds)."""
    times = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {module}"],
            capture_output=True,
            text=True,
            check=True,
        )
        line = [row for row in done.stderr.splitlines() if row.rstrip().endswith(f"| {module}")][-1]
        times.append(int(line.split("|")[1]) / 1e6)
    return statistics.median(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    baseline = measure("import json", runs)
    cloudfn = measure("import cloudfn", runs)
    init = measure("import cloudfn; cloudfn.init()", runs)
    print(f"interpreter + import json        : {baseline * 1000:7.1f} ms (median of {runs})")
    print(f"interpreter + import cloudfn     : {cloudfn * 1000:7.1f} ms")
    print(f"  + cloudfn.init() (loads aiohttp, jsonschema): {(init - baseline) * 1000:7.1f} ms")
    print(f"ratio cloudfn/json process       : {cloudfn / baseline:7.2f}")
    own = importtime("cloudfn", runs)
    print(f"import cloudfn (-X importtime)   : {own * 1000:7.1f} ms (median; target <= 150 ms)")


if __name__ == "__main__":
    main()
