"""The table of every API cloudfn has a spec for, written to ``docs/apis.md``.

Run ``python -m cloudfn.api.table`` after adding or changing a spec; a test
fails while the committed table differs from what this module renders.

Specs are read through the registry (:func:`.registry.iter_spec_documents`),
the one place that knows where the shipped spec files are.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .registry import iter_spec_documents

REPO_ROOT = Path(__file__).resolve().parents[2]
TABLE_PATH = REPO_ROOT / "docs" / "apis.md"

STATEFUL = "stateful"
EXAMPLE_ANSWER = "example answer"

HEADER = """\
# Every cloud-call API cloudfn knows

One row per spec file (`schemas/<namespace>/<method>.json`): the API's cloud-call
name, its HTTPS method and path, and its official page. The emulator column says
how the local emulator answers it: **stateful** APIs keep state (what one call
creates, the next call sees); **example answer** APIs answer their page's example
response once the request passes the spec's checks. APIs whose success is raw
bytes (an image or a file) say so.

An API missing here is added without touching cloudfn: write its spec, in the
same format, in a folder of your own (`SPECS/<namespace>/<method>.json`) and load
it with `cloudfn.init(specs=["SPECS"])`, `CLOUDFN_SPECS=SPECS`, or `--specs SPECS`
for `cloudfn emulator` and `cloudfn check`; the emulator answers it with its
`example` (or a stub). See the README's "Adding an API".

This file is generated: run `python -m cloudfn.api.table` after changing a spec.

| API | method | path | page | emulator |
|---|---|---|---|---|
"""


def stateful_apis() -> frozenset[str]:
    """The APIs the emulator answers from state: the keys of its handler table."""
    from ..emulator.namespaces import HANDLERS

    return frozenset(HANDLERS)


def spec_documents() -> dict[str, dict[str, Any]]:
    """Every shipped spec document by API name."""
    return {document["api"]: document for _, document in iter_spec_documents()}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(documents: Mapping[str, Mapping[str, Any]], stateful: Iterable[str]) -> str:
    """The markdown table, one row per API, sorted by name."""
    answered_from_state = set(stateful)
    rows = []
    for name in sorted(documents):
        document = documents[name]
        emulator = STATEFUL if name in answered_from_state else EXAMPLE_ANSWER
        if "binary" in document:
            emulator += f" (bytes: {document['binary']['contentType']})"
        page = f"[page]({document['doc']})" if document.get("doc") else ""
        rows.append(
            f"| `{_cell(name)}` | {document['method']} | `{_cell(document['path'])}` | {page} | {emulator} |\n"
        )
    namespaces = {name.split(".", 1)[0] for name in documents}
    footer = f"\n{len(documents)} APIs in {len(namespaces)} namespaces.\n"
    return HEADER + "".join(rows) + footer


def main(argv: list[str] | None = None) -> int:
    """Write ``docs/apis.md`` (or the path given) from the spec files."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else TABLE_PATH
    target.write_text(render(spec_documents(), stateful_apis()), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
