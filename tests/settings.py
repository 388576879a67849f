"""Settings for the test run: the site's settings with a key of the tests' own.

The site refuses to start without DJANGO_SECRET_KEY unless DJANGO_DEBUG is on;
the tests run with debug off, as production does, so they bring a key (a real
environment's key, if set, is kept).
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY",
                      "tests-only-key-never-used-outside-the-test-run-0123456789abcdef")

from hemgenix_site.settings import *  # noqa: E402, F403

# The task queue runs each task at once, in the test's process (django-q2's
# sync); the tests of the queue itself (tests/letters/test_delivery_queue.py)
# turn it off to see the ORM broker's rows.
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
