"""Importing a data folder (10,000 documents, 100 files) and restoring it, against ``json.loads``
of the same lines.

Three timings, interleaved round by round so machine noise hits them alike, medians reported:

- **json.loads**: every line of the folder's .jsonl files parsed by ``json.loads`` alone
  (the files already read into memory): the floor any import must at least pay;
- **import**: :func:`read_folder` (read the files, parse extended JSON, check every line,
  read the storage files) plus the restore into a fresh emulator state;
- **restore**: ``EmulatorState.reset()`` with the folder imported, i.e. what ``cloudfn parity``
  does before each side of each event and the pytest fixture before each test: documents
  unpickled from the snapshot (no JSON parsing), files put back.

Targets: import / json.loads and restore / json.loads <= 3x.

    python bench/bench_import_data.py [--documents 10000] [--files 100] [--rounds 9]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from cloudfn.emulator.data_folder import read_folder, restore
from cloudfn.emulator.state import EmulatorState


def make_folder(root: Path, documents: int, files: int) -> None:
    """A folder shaped like a real export: a few collections, dates, numbers, nested fields."""
    rng = random.Random(7)
    (root / "database").mkdir(parents=True)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    per = documents // 4
    for c, name in enumerate(("posts", "users", "orders", "comments")):
        lines = []
        for i in range(per):
            moment = start + dt.timedelta(minutes=rng.randrange(500_000))
            lines.append(
                json.dumps(
                    {
                        "_id": f"{name}-{i:06d}",
                        "author": f"o{rng.randrange(500):04d}",
                        "title": f"{name} number {i} " + "x" * rng.randrange(40),
                        "likes": rng.randrange(1000),
                        "score": rng.random() * 100,
                        "tags": [f"t{rng.randrange(30)}" for _ in range(rng.randrange(4))],
                        "createdAt": {"$date": moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{i % 1000:03d}Z"},
                        "meta": {"source": "import", "rank": c, "flags": {"a": True, "b": None}},
                    },
                    separators=(",", ":"),
                )
            )
        (root / "database" / f"{name}.jsonl").write_text("\n".join(lines) + "\n")
    for i in range(files):
        target = root / "storage" / f"dir{i % 10}" / f"file{i:03d}.bin"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(rng.randbytes(4096))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        make_folder(folder, args.documents, args.files)
        lines = [
            line for file in sorted((folder / "database").iterdir()) for line in file.read_text().splitlines()
        ]
        imported = EmulatorState()
        imported.import_data(folder)
        times: dict[str, list[float]] = {"json.loads": [], "import": [], "restore": []}
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            for line in lines:
                json.loads(line)
            t1 = time.perf_counter()
            fresh = EmulatorState()
            restore(fresh, read_folder(folder))
            t2 = time.perf_counter()
            imported.reset()
            t3 = time.perf_counter()
            times["json.loads"].append(t1 - t0)
            times["import"].append(t2 - t1)
            times["restore"].append(t3 - t2)
        assert len(imported.database.envs["local"].documents("posts")) == args.documents // 4
        assert len(imported.storage.files.files("local")) == args.files
    base = statistics.median(times["json.loads"])
    print(f"{len(lines)} documents, {args.files} files of 4 KiB, {args.rounds} rounds, medians:")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:<10} {median * 1000:8.1f} ms   {median / base:5.2f}x json.loads")
    print("targets: import <= 3x, restore <= 3x json.loads")


if __name__ == "__main__":
    main()
