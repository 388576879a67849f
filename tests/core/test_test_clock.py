"""The suite's own clock (tests/conftest.py, tests/cases.py): every test runs
on AS_OF, which is the service's date of the instant the clock is at, so a
run at --clock (CI runs one on a daylight-saving change) moves the cases'
dates with it."""

from authorizations.core import zones
from tests import cases


def test_as_of_is_the_services_date_now():
    # Noon on 2026-11-27 by default; at --clock's instant (e.g. 01:30 EST on
    # November 1) the service's date of that instant, not 2026-11-27.
    assert cases.AS_OF == zones.today()
