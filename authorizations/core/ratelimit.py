"""Counters that every app server shares (the database cache "shared"): the
password reset limits and the QuestionnaireResponse upload limit."""

from __future__ import annotations

from django.core.cache import caches


def over(key: str, limit: int, window_seconds: int) -> bool:
    """Count one more use of `key` in this window; True once over `limit`.
    In the database: every instance counts against the same limit."""
    cache = caches["shared"]
    cache.add(key, 0, window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_seconds)
        count = 1
    return count > limit
