"""The porting corpus: Node cloud functions in tests/port/corpus/<name>/, and what each needs to run.

A function's needs are the SDK features its translation uses (``database``,
``storage``, ``callFunction``, ``router``, ``openapi:<api>``, ``wxcontext``),
``no-config`` when it ships no config.json, plus what its ``needs.json``
lists (``uncaught-errors``: an event ends in an error the function does not
catch; ``undefined``: an event relies on a missing field staying undefined;
``json-numbers``: a result holds an integral float, 5.0, that JSON.stringify
prints as 5).
Each need is probed against cloudfn as it is, so parity runs for more
functions as features land, with no list to update.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent.parent / "port" / "corpus"


def corpus_functions() -> list[str]:
    return sorted(p.name for p in CORPUS.iterdir() if (p / "index.js").is_file())


def ensure_corpus_modules() -> Path:
    """`npm ci` in the corpus when its node_modules is missing (tests never skip for it)."""
    modules = CORPUS / "node_modules"
    if not (modules / "wx-server-sdk").is_dir() or not (modules / "tcb-router").is_dir():
        npm = shutil.which("npm")
        assert npm is not None, "npm is needed to install the corpus's Node dependencies"
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=CORPUS, check=True, timeout=300)
    return modules


def declared_needs(name: str) -> set[str]:
    path = CORPUS / name / "needs.json"
    if not path.is_file():
        return set()
    return set(json.loads(path.read_text(encoding="utf-8"))["needs"])


def needs(name: str, features: set[str]) -> set[str]:
    found = set(features) | declared_needs(name)
    if not (CORPUS / name / "config.json").is_file():
        found.add("no-config")
    return found


def _cloud_has(attribute: str) -> bool:
    """Does a Cloud (as cloudfn.init() makes it; nothing is sent) have this SDK method?"""
    import cloudfn

    cloud = cloudfn.init(base_url="http://127.0.0.1:9", appid="wx0123456789abcdef", secret="unused")
    return callable(getattr(cloud, attribute, None))


@cache
def available(feature: str) -> bool:
    """Does cloudfn, as installed, support this feature on both sides of a parity run?"""
    if feature == "wxcontext":
        return True
    if feature.startswith("openapi:"):
        from cloudfn.api.registry import default_registry
        from cloudfn.emulator.namespaces import HANDLERS

        api = feature.split(":", 1)[1]
        return api in default_registry() and api in HANDLERS
    if feature == "database":
        return _cloud_has("database")
    if feature == "storage":
        return _cloud_has("uploadFile") and _cloud_has("getTempFileURL")
    if feature == "callFunction":
        return _cloud_has("callFunction")
    if feature == "router":
        return importlib.util.find_spec("cloudfn.router") is not None
    if feature == "no-config":
        return _loads_without_config()
    if feature == "uncaught-errors":
        return _throws_compared()
    if feature == "json-numbers":
        # An integral float (10 / 2) must print as JSON.stringify prints it: 5, not 5.0.
        from cloudfn.parity.runner import to_json_text

        return to_json_text(5.0) == "5"
    if feature == "undefined":
        import cloudfn

        return hasattr(cloudfn, "undefined")
    return False


def _loads_without_config() -> bool:
    """Does a function directory without config.json load (as on the platform)?"""
    import tempfile

    from cloudfn.runtime import loader

    load = getattr(loader, "load_config", None)
    if load is None:
        return False
    with tempfile.TemporaryDirectory() as empty:
        try:
            load(Path(empty))
        except Exception:
            return False
    return True


def _throws_compared() -> bool:
    """Does parity count an event where both sides threw the same error as agreement?"""
    from cloudfn.parity.events import EventCase
    from cloudfn.parity.runner import compare

    effects: defaultdict[str, dict[str, Any]] = defaultdict(dict)  # whatever parts a side effect has
    case = EventCase(1, "probe", {}, {})
    verdict = compare(case, "<threw: Error: boom>", "<threw: Error: boom>", effects, effects)
    return verdict.same


# The Node SDK reaches these through the platform's /admin channel; the port goes the same way.
_PLATFORM_FEATURES = frozenset({"database", "storage", "callFunction"})


def transport_for(features: set[str]) -> str:
    return "tcb" if features & _PLATFORM_FEATURES else "https"


def node_copy(name: str, directory: Path) -> Path:
    """The Node function in ``directory``, its modules linked from the corpus (as Node would find them)."""
    source = CORPUS / name
    directory.mkdir(parents=True, exist_ok=True)
    for item in ("index.js", "config.json"):
        if (source / item).is_file():
            shutil.copyfile(source / item, directory / item)
    (directory / "node_modules").symlink_to(ensure_corpus_modules(), target_is_directory=True)
    return directory
