"""`cloudfn port` time per corpus function beside `node --check` of the same index.js, as a ratio.

Both run as a user runs them, one fresh process each, interleaved, median of
RUNS; also the in-process translation alone (parse + translate, then with
`ruff format`), which is what an editor's on-save hook would pay.

Usage: python bench/bench_port.py [runs]     (needs node on PATH)
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "port" / "corpus"


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def in_process(source: str, runs: int, formatted: bool) -> float:
    from cloudfn.port import translate

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        translate(source, formatted=formatted)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    node = shutil.which("node")
    if node is None:
        sys.exit("node: not found on PATH")
    functions = sorted(p for p in CORPUS.iterdir() if (p / "index.js").is_file())
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for directory in functions:
            port_times, check_times = [], []
            for i in range(runs):
                out = Path(scratch) / f"{directory.name}-{i}"
                port = [sys.executable, "-m", "cloudfn", "port", str(directory), "--out", str(out)]
                check = [node, "--check", str(directory / "index.js")]
                # Interleaved, alternating who goes first, so drift on a shared machine hits both.
                pair = (port, check) if i % 2 == 0 else (check, port)
                first, second = timed(pair[0]), timed(pair[1])
                port_times.append(first if pair[0] is port else second)
                check_times.append(second if pair[0] is port else first)
            source = (directory / "index.js").read_text(encoding="utf-8")
            bare = in_process(source, runs, formatted=False)
            ruffed = in_process(source, runs, formatted=True)
            rows.append(
                (directory.name, statistics.median(port_times), statistics.median(check_times), bare, ruffed)
            )
    print(f"{'function':24} {'port':>8} {'node --check':>13} {'ratio':>6} {'translate':>10} {'+ruff':>8}")
    for name, port, check, bare, ruffed in rows:
        print(
            f"{name:24} {port * 1000:6.0f}ms {check * 1000:11.0f}ms {port / check:6.2f} {bare * 1000:8.1f}ms {ruffed * 1000:6.1f}ms"
        )
    ratios = [port / check for _, port, check, _, _ in rows]
    print(
        f"{len(rows)} functions, median of {runs} runs each: cloudfn port / node --check = "
        f"{statistics.median(ratios):.2f} median (min {min(ratios):.2f}, max {max(ratios):.2f}); "
        f"in-process translation {statistics.median(r[3] for r in rows) * 1000:.1f} ms median, "
        f"{statistics.median(r[4] for r in rows) * 1000:.1f} ms with ruff format"
    )


if __name__ == "__main__":
    main()
