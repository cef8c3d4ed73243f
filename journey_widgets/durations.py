"""Exact durations: ISO 8601 (``P30D``, ``PT1H30M``) and friendly forms (``"30d"``, ``"90m"``); instants in UTC.

Months and years are rejected: a conversion window is an exact duration (P30D = 720 hours).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_ISO = re.compile(
    r"^P(?:(?P<weeks>\d+(?:\.\d+)?)W)?(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)
_FRIENDLY = re.compile(r"^(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>[a-z]+)$")
_UNITS = {
    "w": "weeks",
    "week": "weeks",
    "weeks": "weeks",
    "d": "days",
    "day": "days",
    "days": "days",
    "h": "hours",
    "hour": "hours",
    "hours": "hours",
    "m": "minutes",
    "min": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
    "s": "seconds",
    "sec": "seconds",
    "second": "seconds",
    "seconds": "seconds",
}


def parse_duration(value: str | timedelta) -> timedelta:
    """Parse an ISO 8601 duration (no months/years) or a friendly ``"30d"``/``"12 hours"``."""
    if isinstance(value, timedelta):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a duration such as 'P30D' or '30d', got {value!r}")
    text = value.strip()
    iso = _ISO.match(text.upper())
    if iso and text.upper() not in ("P", "PT") and not text.upper().endswith("T"):
        parts = {k: float(v) for k, v in iso.groupdict().items() if v is not None}
        return timedelta(**parts)
    friendly = _FRIENDLY.match(text.lower())
    if friendly and friendly["unit"] in _UNITS:
        return timedelta(**{_UNITS[friendly["unit"]]: float(friendly["number"])})
    raise ValueError(
        f"cannot read the duration {value!r}: use ISO 8601 such as 'P30D' or 'PT12H', "
        "or a number and unit such as '30d', '12h', '90m' (months and years are not exact)"
    )


def format_duration(value: timedelta) -> str:
    """Format as canonical ISO 8601: days, then hours/minutes/seconds (``P30D``, ``P1DT2H``)."""
    total_us = value // timedelta(microseconds=1)
    sign = "-" if total_us < 0 else ""
    total_us = abs(total_us)
    days, rest = divmod(total_us, 86_400_000_000)
    hours, rest = divmod(rest, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    seconds, micros = divmod(rest, 1_000_000)
    time_part = ""
    if hours:
        time_part += f"{hours}H"
    if minutes:
        time_part += f"{minutes}M"
    if seconds or micros:
        time_part += f"{seconds}.{micros:06d}".rstrip("0").rstrip(".") + "S"
    date_part = f"{days}D" if days or not time_part else ""
    return f"{sign}P{date_part}" + (f"T{time_part}" if time_part else "")


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC: a naive datetime is read as UTC, an aware one converted (docs/semantics.md#the-events-table).
    Raises OverflowError when the converted time is out of range."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
