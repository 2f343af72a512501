"""Column values as a plain database cursor returns them, decoded as the ORM's fields would decode them.

The hot reads of the store (a stream page, WOPI GetActivities) run hand-written SQL through Django's
connection, skipping the ORM's compilation and per-row converters; these two helpers give them the same
Python values on PostgreSQL and on SQLite.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import orjson

# 19 digits in a row: maybe an integer outside 64 bits, which orjson would read as a float.
_LONG_NUMBER = re.compile(r"[0-9]{19}")


def json_column(value: Any) -> Any:
    """A JSON column (text on both backends: Django leaves jsonb undecoded), decoded like JSONField does.

    orjson is several times faster than the standard library but reads an integer outside 64 bits as a
    float; the rare text that may hold one goes to the standard library instead, as does anything orjson
    refuses.
    """
    if not isinstance(value, str | bytes):
        return value
    if _LONG_NUMBER.search(value if isinstance(value, str) else value.decode()):
        return json.loads(value)
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        return json.loads(value)


def moment_column(value: Any) -> datetime:
    """A timestamp column: aware on PostgreSQL; on SQLite UTC without a zone, as ISO text or (a column declared
    ``datetime``) already parsed by sqlite3's converter. Always an aware datetime in UTC here."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
