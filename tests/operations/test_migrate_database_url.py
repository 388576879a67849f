"""`manage.py migrate` connects with MIGRATE_DATABASE_URL (the owner role) when
it is set; every other command, and the app, with DATABASE_URL."""

import json
import os
import subprocess
import sys

import pytest

PROBE = """
import json, sys
sys.argv = {argv!r}
from hemgenix_site import settings
print(json.dumps(settings.DATABASES["default"]["USER"]))
"""


@pytest.mark.parametrize(("argv", "user"), [
    (["manage.py", "migrate", "--no-input"], "hemgenix_owner"),
    (["manage.py", "runserver"], "hemgenix_app"),
    (["gunicorn", "migrate"], "hemgenix_app"),
])
def test_migrate_alone_uses_the_owner(argv, user):
    env = {**os.environ, "DJANGO_DEBUG": "true",
           "DATABASE_URL": "postgres://hemgenix_app@127.0.0.1:5432/hemgenix",
           "MIGRATE_DATABASE_URL": "postgres://hemgenix_owner@127.0.0.1:5432/hemgenix"}
    out = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv)], env=env,
                         capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == user
