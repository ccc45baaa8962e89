"""A seeded slice of bench/fuzz_emulator.py in the suite: 2,000 hostile requests, no answer >= 500,
and the emulator still healthy afterwards (the full run: python bench/fuzz_emulator.py --requests 20000)."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest

from cloudfn.emulator.server import RunningEmulator
from tests.support.paths import ROOT


def fuzz_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_emulator", ROOT / "bench" / "fuzz_emulator.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("seed", [7, 8])
async def test_no_5xx_and_no_poisoning_under_fuzzing(emulator: RunningEmulator, seed: int) -> None:
    fuzz = fuzz_module()
    report = await fuzz.fuzz(emulator.base_url, 1000, seed, appid=emulator.appid, secret=emulator.secret)
    assert sum(report.statuses.values()) == 1000
    assert report.server_errors == 0, report.failures
    assert not report.errors, report.failures
    assert report.probes_ok, report.probe_detail
    # The slice reaches every kind of answer, not only refusals.
    assert {200, 400, 404, 415} <= set(report.statuses)
