"""The `--as-of DATE` option of the cron commands (expire_authorizations,
send_followup_reminders). A leading underscore: Django does not take this
module for a command."""

from datetime import date

from django.core.management.base import CommandError


def add_as_of(parser) -> None:
    parser.add_argument("--as-of", dest="as_of", help="the day, YYYY-MM-DD (default: today)")


def parse_as_of(value: str | None) -> date | None:
    """The day asked for, or None for today."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of: {value!r} is not a date (YYYY-MM-DD)") from None
