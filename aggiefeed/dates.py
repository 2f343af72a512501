"""The API's one date form: ISO-8601 in Zulu time, ``YYYY-MM-DDTHH:mm:ss.SSSZ`` (contract §1)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

# ASCII digits only (``\d`` alone takes any script's), matched whole (``$`` alone lets a trailing newline in)
_ZULU = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?Z", re.ASCII)


def parse_zulu(value: str) -> datetime:
    """A Zulu RFC 3339 timestamp (fraction optional) as an aware UTC datetime; ValueError for anything else."""
    match = _ZULU.fullmatch(value)
    if match is None:
        raise ValueError(value)
    year, month, day, hour, minute, second, fraction = match.groups()
    micro = int((fraction or "0").ljust(6, "0"))
    return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=UTC)


def format_zulu(value: datetime) -> str:
    """``value`` in UTC as ``YYYY-MM-DDTHH:mm:ss.SSSZ`` (milliseconds, always three digits; years below 1000
    zero-padded, which ``strftime("%Y")`` does not do on every platform)."""
    utc = value.astimezone(UTC)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}."
        f"{utc.microsecond // 1000:03d}Z"
    )
