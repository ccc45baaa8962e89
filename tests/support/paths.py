"""Where things are in the repository."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SEED_DIR = ROOT / "examples" / "update_printer"  # the seed function: Node original and Python port
SEED_EVENTS = SEED_DIR / "events.jsonl"
LOGISTICS_FLOW_DIR = ROOT / "examples" / "logistics_flow"
