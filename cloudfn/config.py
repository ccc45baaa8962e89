"""A cloud function's config.json: permissions, timeout, envVariables, triggers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from .errors import ConfigError
from .formats import CONFIG, load_format
from .json_path import field_path


@cache
def _config_validator() -> Draft202012Validator:
    return Draft202012Validator(load_format(CONFIG))


@dataclass(frozen=True)
class TimerTrigger:
    name: str
    cron: str


# CLOUDFN_CONFIG=missing:<path>: the function has no config.json (the runner says so),
# so, as on the platform, it may make no cloud call at all.
MISSING_PREFIX = "missing:"


@dataclass(frozen=True)
class FunctionConfig:
    """The parts of config.json that the platform (and cloudfn) acts on.

    A function without config.json (``exists`` False) runs as the platform
    runs it: default timeout, no envVariables, no triggers, and no API permitted.
    """

    path: Path | None = None
    permissions: frozenset[str] = frozenset()
    timeout: float | None = None
    env_variables: Mapping[str, str] = field(default_factory=dict)
    triggers: tuple[TimerTrigger, ...] = ()
    exists: bool = True

    @classmethod
    def missing(cls, path: Path) -> FunctionConfig:
        """The configuration of a function whose config.json (``path``) does not exist."""
        return cls(path=path, exists=False)

    @property
    def permissions_source(self) -> str:
        """Where the permission list comes from, as an error message names it."""
        where = str(self.path) if self.path else "config.json"
        if self.exists:
            return where
        return f"{where} (no such file: a function without config.json may call no API on the platform)"

    def environ_value(self) -> str:
        """What CLOUDFN_CONFIG holds for this configuration."""
        if self.exists:
            return str(self.path)
        return MISSING_PREFIX + str(self.path)

    @classmethod
    def from_dict(cls, document: Any, path: Path | None = None) -> FunctionConfig:
        where = str(path) if path else "config.json"
        if not isinstance(document, dict):
            raise ConfigError(
                f"{where}: must be a JSON object, got {type(document).__name__}. Fix: write it as "
                '{"permissions": {"openapi": ["logistics.updatePrinter"]}}'
            )
        errors = sorted(
            _config_validator().iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path]
        )
        if errors:
            first = errors[0]
            name = field_path(list(first.absolute_path))
            raise ConfigError(
                f"{where}: {name}: {first.message}. Fix: see the config.json format in the README "
                '(e.g. "permissions": {"openapi": ["logistics.updatePrinter"]})'
            )
        openapi = document.get("permissions", {}).get("openapi", [])
        triggers = tuple(TimerTrigger(name=t["name"], cron=t["config"]) for t in document.get("triggers", []))
        return cls(
            path=path,
            permissions=frozenset(openapi),
            timeout=document.get("timeout"),
            env_variables=dict(document.get("envVariables", {})),
            triggers=triggers,
        )

    @classmethod
    def load(cls, path: str | Path) -> FunctionConfig:
        """Read and check a config.json; a directory means its config.json.

        ``missing:<path>`` (CLOUDFN_CONFIG's form for a function without one) gives
        :meth:`missing`.
        """
        if isinstance(path, str) and path.startswith(MISSING_PREFIX):
            return cls.missing(Path(path[len(MISSING_PREFIX) :]))
        path = Path(path)
        if path.is_dir():
            path = path / "config.json"
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(
                f"{path}: no such file. Fix: create it, e.g. "
                '{"permissions": {"openapi": ["logistics.updatePrinter"]}}'
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot be read ({exc}). Fix: make it a UTF-8 text file") from None
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"{path}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}. "
                "Fix: correct the JSON syntax"
            ) from None
        return cls.from_dict(document, path)
