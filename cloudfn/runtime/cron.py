"""The platform's 7-field timer cron: strict grammar check here, scheduling by croniter.

``second minute hour day month weekday year``; each field a comma list of
``*``, ``N``, ``N-M``, with an optional ``/STEP``; months JAN-DEC, weekdays
0-6 (0 = Sunday) or SUN-SAT; day and weekday OR-ed when both are restricted.
croniter (``second_at_beginning=True``) computes fire times with exactly
these semantics (a field is "restricted" unless it is a bare ``*``), but
it also accepts extensions the platform rejects (``L``, ``#``, ``?``, ``H``,
weekday 7), so the grammar is checked first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import cached_property

PLATFORM_TZ = timezone(timedelta(hours=8), "UTC+8")


@dataclass(frozen=True)
class CronField:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()  # names[i] means low + i


FIELDS = (
    CronField("second", 0, 59),
    CronField("minute", 0, 59),
    CronField("hour", 0, 23),
    CronField("day", 1, 31),
    CronField(
        "month", 1, 12, ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
    ),
    CronField("weekday", 0, 6, ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")),
    CronField("year", 1970, 2099),
)
EXAMPLE = "0 0 2 * * * *  (every day at 02:00:00)"

_ITEM = re.compile(
    r"^(?:(?P<star>\*)|(?P<low>[A-Za-z0-9]+)(?:-(?P<high>[A-Za-z0-9]+))?)(?:/(?P<step>[0-9]+))?$"
)


class CronError(ValueError):
    """A cron expression the platform would refuse: names the field, the rule and the fix."""


def _value(field: CronField, text: str, expression: str) -> int:
    upper = text.upper()
    if upper in field.names:
        return field.low + field.names.index(upper)
    if not text.isdigit():
        allowed = f"{field.low}-{field.high}" + (
            f" or {field.names[0]}-{field.names[-1]}" if field.names else ""
        )
        raise CronError(
            f"cron {expression!r}: {field.name} field: {text!r} is not a number ({allowed}). "
            f"Fix: use only digits, names and , - * / (e.g. {EXAMPLE})"
        )
    value = int(text)
    if not field.low <= value <= field.high:
        hint = " (0 = Sunday)" if field.name == "weekday" else ""
        raise CronError(
            f"cron {expression!r}: {field.name} field: {value} is out of range "
            f"{field.low}-{field.high}{hint}. Fix: use a value in that range"
        )
    return value


def _expand(field: CronField, text: str, expression: str) -> frozenset[int]:
    values: set[int] = set()
    for item in text.split(","):
        match = _ITEM.match(item)
        if match is None:
            raise CronError(
                f"cron {expression!r}: {field.name} field: {item!r} is not *, N, N-M or one of "
                f"those with /STEP. Fix: e.g. {EXAMPLE}"
            )
        if match["star"]:
            low, high = field.low, field.high
        else:
            low = _value(field, match["low"], expression)
            high = _value(field, match["high"], expression) if match["high"] else low
            if match["step"] and not match["high"]:
                high = field.high  # N/STEP: from N to the end
        if low > high:
            raise CronError(
                f"cron {expression!r}: {field.name} field: range {item!r} runs backwards. "
                f"Fix: write the smaller value first"
            )
        step = int(match["step"]) if match["step"] else 1
        if step == 0:
            raise CronError(
                f"cron {expression!r}: {field.name} field: step 0 in {item!r}. Fix: use /1 or more"
            )
        values.update(range(low, high + 1, step))
    return frozenset(values)


@dataclass(frozen=True)
class CronSchedule:
    """A checked 7-field cron expression in a time zone."""

    expression: str
    fields: tuple[frozenset[int], ...]
    day_restricted: bool
    weekday_restricted: bool
    tz: tzinfo = PLATFORM_TZ

    @cached_property
    def _croniter_expression(self) -> str:
        # croniter reads names and numbers alike; it OR-s day and weekday
        # when neither field is a bare "*" (so "*/2" counts as restricted).
        return " ".join(self.expression.split())

    def next_after(self, moment: datetime) -> datetime | None:
        """The first fire time strictly after ``moment`` (aware), or None if there is none (years run out)."""
        from croniter import CroniterBadDateError, croniter

        start = moment.astimezone(self.tz)
        try:
            iterator = croniter(self._croniter_expression, start, second_at_beginning=True)
            fire: datetime = iterator.get_next(datetime)
        except CroniterBadDateError:
            return None
        return fire

    def upcoming(self, moment: datetime, count: int) -> list[datetime]:
        times: list[datetime] = []
        current = moment
        for _ in range(count):
            fire = self.next_after(current)
            if fire is None:
                break
            times.append(fire)
            current = fire
        return times


def parse_cron(expression: str, tz: tzinfo = PLATFORM_TZ) -> CronSchedule:
    """Check ``expression`` against the platform's grammar; raise CronError naming the field."""
    parts = expression.split()
    if len(parts) != len(FIELDS):
        raise CronError(
            f"cron {expression!r}: has {len(parts)} field(s), the platform needs 7 "
            "(second minute hour day month weekday year). "
            f"Fix: e.g. {EXAMPLE}"
        )
    fields = tuple(_expand(field, text, expression) for field, text in zip(FIELDS, parts, strict=True))
    return CronSchedule(
        expression=expression,
        fields=fields,
        day_restricted=parts[3] != "*",
        weekday_restricted=parts[5] != "*",
        tz=tz,
    )


_OFFSET = re.compile(
    r"^(?:UTC|GMT)?\s*(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?$", re.IGNORECASE
)


def parse_timezone(text: str) -> tzinfo:
    """``UTC+8``, ``+08:00``, ``UTC`` or an IANA name (``Asia/Shanghai``)."""
    value = text.strip()
    if value.upper() in ("UTC", "GMT", "Z"):
        return UTC
    match = _OFFSET.match(value)
    if match:
        minutes = int(match["hours"]) * 60 + int(match["minutes"] or 0)
        if minutes > 14 * 60:
            raise ValueError(f"timezone {text!r}: offset beyond 14 hours. Fix: e.g. UTC+8")
        sign = -1 if match["sign"] == "-" else 1
        return timezone(timedelta(minutes=sign * minutes), value)
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"timezone {text!r}: not an offset or a known zone name. Fix: e.g. UTC+8 or Asia/Shanghai"
        ) from None


__all__ = ["PLATFORM_TZ", "CronError", "CronSchedule", "parse_cron", "parse_timezone"]
