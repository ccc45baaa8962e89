"""The 7-field timer cron: the platform's grammar, and croniter's fire times checked by brute force."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from cloudfn.runtime.cron import PLATFORM_TZ, CronError, CronSchedule, parse_cron, parse_timezone
from cloudfn.runtime.triggers import timer_event

START = datetime(2026, 11, 28, 3, 59, 58, tzinfo=UTC)  # 11:59:58 in UTC+8, a Saturday


def fires_at(schedule: CronSchedule, moment: datetime) -> bool:
    """The oracle: does the parsed schedule fire at this second, read straight off its field sets?"""
    local = moment.astimezone(schedule.tz)
    second, minute, hour, day, month, weekday, year = schedule.fields
    day_ok = local.day in day
    weekday_ok = (local.isoweekday() % 7) in weekday
    if schedule.day_restricted and schedule.weekday_restricted:
        calendar_ok = day_ok or weekday_ok
    else:
        calendar_ok = day_ok and weekday_ok
    return (
        local.second in second
        and local.minute in minute
        and local.hour in hour
        and local.month in month
        and local.year in year
        and calendar_ok
    )


def brute_force(expression: str, start: datetime, count: int, step: timedelta, limit: int) -> list[datetime]:
    """Fire times found by testing every instant (at ``step``) against the parsed field sets."""
    schedule = parse_cron(expression)
    found: list[datetime] = []
    unit = int(step.total_seconds())
    moment = datetime.fromtimestamp(int(start.timestamp()) // unit * unit, UTC)  # aligned to the step
    for _ in range(limit):
        moment += step
        if fires_at(schedule, moment):
            found.append(moment)
            if len(found) == count:
                break
    return found


@pytest.mark.parametrize(
    ("expression", "step", "limit"),
    [
        ("*/15 * * * * * *", timedelta(seconds=1), 200),
        ("0 0 2 * * * *", timedelta(minutes=1), 60 * 24 * 6),
        ("30 5,35 9-10 * * * *", timedelta(seconds=1), 86400 * 2),
        ("0 0 0 1 * MON *", timedelta(hours=1), 24 * 60),  # day 1 OR Monday
        ("0 0 0 13 * 5 2027", timedelta(hours=1), 24 * 500),  # the 13th OR a Friday, 2027 only
        ("0 0 12 */2 * 1 *", timedelta(hours=1), 24 * 60),  # "*/2" is restricted: OR-ed with Monday
        ("0 0 12 * * SAT,sun *", timedelta(hours=1), 24 * 60),  # weekday alone: AND with day "*"
        ("0 0 8 * JAN-MAR/2 * *", timedelta(hours=1), 24 * 500),
        ("0 10/20 * * * 0-2 *", timedelta(minutes=1), 60 * 24 * 14),
    ],
)
def test_croniter_fire_times_match_the_grammar(expression: str, step: timedelta, limit: int) -> None:
    schedule = parse_cron(expression)
    expected = brute_force(expression, START, 6, step, limit)
    assert len(expected) == 6
    assert schedule.upcoming(START, 6) == expected


def test_times_are_in_utc_plus_8_by_default() -> None:
    fire = parse_cron("0 0 2 * * * *").next_after(START)
    assert fire is not None
    assert fire.utcoffset() == timedelta(hours=8)
    assert fire.astimezone(UTC) == datetime(2026, 11, 28, 18, 0, tzinfo=UTC)
    utc_fire = parse_cron("0 0 2 * * * *", UTC).next_after(START)
    assert utc_fire == datetime(2026, 11, 29, 2, 0, tzinfo=UTC)


def test_a_year_in_the_past_never_fires() -> None:
    assert parse_cron("0 0 0 1 1 * 2020").next_after(START) is None


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("0 0 2 * * *", r"has 6 field\(s\), the platform needs 7 \(second minute hour"),
        ("60 0 2 * * * *", r"second field: 60 is out of range 0-59"),
        ("0 0 24 * * * *", r"hour field: 24 is out of range 0-23"),
        ("0 0 0 0 * * *", r"day field: 0 is out of range 1-31"),
        ("0 0 0 * 13 * *", r"month field: 13 is out of range 1-12"),
        ("0 0 0 * * 7 *", r"weekday field: 7 is out of range 0-6 \(0 = Sunday\)"),
        ("0 0 0 * * * 1969", r"year field: 1969 is out of range 1970-2099"),
        ("0 0 0 L * * *", r"day field: 'L' is not a number \(1-31\)"),
        ("0 0 0 * * 5#3 *", r"weekday field: '5#3' is not \*, N, N-M"),
        ("0 0 0 ? * * *", r"day field: '\?' is not \*, N, N-M"),
        ("0 0 0 * FOO * *", r"month field: 'FOO' is not a number \(1-12 or JAN-DEC\)"),
        ("0 0 10-2 * * * *", r"hour field: range '10-2' runs backwards"),
        ("*/0 * * * * * *", r"second field: step 0"),
    ],
)
def test_grammar_errors_name_the_field_and_fix(expression: str, message: str) -> None:
    with pytest.raises(CronError, match=message) as caught:
        parse_cron(expression)
    assert "Fix:" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "offset"),
    [("UTC+8", 8 * 60), ("+08:00", 8 * 60), ("UTC-5", -5 * 60), ("utc", 0), ("UTC+5:30", 330)],
)
def test_timezones(text: str, offset: int) -> None:
    zone = parse_timezone(text)
    assert datetime(2026, 1, 1, tzinfo=zone).utcoffset() == timedelta(minutes=offset)


def test_named_timezone_and_bad_one() -> None:
    assert datetime(2026, 7, 1, tzinfo=parse_timezone("Asia/Shanghai")).utcoffset() == timedelta(hours=8)
    with pytest.raises(ValueError, match=r"timezone 'Mars/Base'.*Fix: e.g. UTC\+8"):
        parse_timezone("Mars/Base")
    assert PLATFORM_TZ.utcoffset(None) == timedelta(hours=8)


def test_timer_event_shape() -> None:
    fire = datetime(2026, 11, 29, 2, 0, tzinfo=timezone(timedelta(hours=8)))
    assert timer_event("daily", fire) == {
        "Type": "Timer",
        "TriggerName": "daily",
        "Time": "2026-11-28T18:00:00Z",
        "Message": "",
    }
