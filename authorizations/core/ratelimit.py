"""One rate limiter for password reset, FHIR uploads and the API: a counter
per key in a database table, shared by every app server and worker, counted
with one atomic statement.

The cache-based counters it replaces (Django's database cache, DRF's
throttle) read, added one and wrote back: 300 concurrent API calls at
120/min let 185 through (N9). Here each hit is a single
`INSERT ... ON CONFLICT (key) DO UPDATE SET count = count + 1 ... RETURNING
count`: PostgreSQL locks the key's row for the statement, so concurrent hits
are counted one after another and exactly `limit` pass (SQLite serializes
writers anyway; both speak this upsert). A fixed window: the row holds the
window it counts, and the first hit of a new window starts it again at 1.

Keys are stored hashed (SHA-256): a key may be built from an email address or
a client's address, which the table need not hold.
"""

from __future__ import annotations

import hashlib
import time

from django.db import connection, models

# A row not hit for a day is removed when some key starts a new window.
STALE_SECONDS = 24 * 3600


class RateCounter(models.Model):
    """Not application data: counts, keyed by a hash, written by `hit` alone
    (one SQL statement, no model save)."""

    key = models.CharField(max_length=64, primary_key=True)
    window_start = models.BigIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        app_label = "authorizations"
        indexes = [models.Index(fields=["window_start"], name="ratecounter_window")]

    def __str__(self) -> str:
        return f"{self.key[:12]}: {self.count} since {self.window_start}"


_UPSERT = """
INSERT INTO {table} (key, window_start, count) VALUES (%s, %s, 1)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN {table}.window_start = excluded.window_start
                 THEN {table}.count + 1 ELSE 1 END,
    window_start = excluded.window_start
RETURNING count
"""


def _hashed(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def window_start(window_seconds: int, now: float | None = None) -> int:
    """The start (epoch seconds) of the window `now` falls in."""
    now = time.time() if now is None else now
    return int(now // window_seconds) * window_seconds


def hit(key: str, window_seconds: int) -> int:
    """Count one more use of `key` in the current window; its count so far."""
    return _count(key, window_start(window_seconds))


def first_use(key: str, stamp: int) -> bool:
    """True the first time `key` is used with `stamp` (a one-time token's
    expiry, say), False ever after while the row lives (a day past `stamp`):
    the same atomic statement, with the window fixed by the caller rather
    than by the clock, so a replay across a window boundary is still seen."""
    return _count(key, stamp) == 1


def _count(key: str, start: int) -> int:
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(table=table), [_hashed(key), start])
        count = int(cursor.fetchone()[0])
        if count == 1:  # a new window for this key: a moment to drop stale rows
            cursor.execute(f"DELETE FROM {table} WHERE window_start < %s",
                           [int(time.time()) - STALE_SECONDS])
    return count


def over(key: str, limit: int, window_seconds: int) -> bool:
    """Count one more use of `key` in this window; True once over `limit`."""
    return hit(key, window_seconds) > limit


def seconds_left(window_seconds: int) -> float:
    """Until the current window ends (the Retry-After of a refused call)."""
    return window_start(window_seconds) + window_seconds - time.time()
