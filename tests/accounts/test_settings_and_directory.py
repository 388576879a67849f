import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from authorizations.models import HTC

ROOT = Path(__file__).resolve().parents[2]


GOOD_KEY = "k7#Qz9!vR2@pL5$wX8^nB3&mT6*jH1(dF4)gS0_yU-eC+aZ-0x9c1d7e2f4a6b8"


def start(env_changes, *, key=GOOD_KEY):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    # Not the checkout's own var/secret-key, which `make run` may have made.
    env["DJANGO_SECRET_KEY_FILE"] = str(ROOT / "var" / "no-such-key-file")
    if key is not None:
        env["DJANGO_SECRET_KEY"] = key
    env.update(env_changes)
    # Start-up reads the environment in the settings module: importing it is what
    # `manage.py` and gunicorn do first (a whole `manage.py check` took 40 times
    # as long; test_deploy_check_is_clean_with_production_variables runs one).
    return subprocess.run([sys.executable, "-c", "import hemgenix_site.settings"], cwd=ROOT,
                          env=env, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("name,value", [
    ("DJANGO_DEBUG", "maybe"),
    ("DJANGO_CONN_MAX_AGE", "forever"),
    ("DATABASE_URL", "nosuchdb://x"),
    ("DJANGO_SECRET_KEY", "short"),
    ("DJANGO_HTTPS", "sure"),
])
def test_bad_setting_stops_start_up_naming_the_variable(name, value):
    done = start({name: value})
    assert done.returncode != 0
    assert name in done.stderr


def test_no_secret_key_with_debug_off_stops_start_up():
    done = start({"DJANGO_DEBUG": "false"}, key=None)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "DJANGO_SECRET_KEY is not set" in done.stderr


def test_a_secret_key_shorter_than_50_characters_stops_start_up():
    done = start({"DJANGO_DEBUG": "false"}, key="x" * 49)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "DJANGO_SECRET_KEY must be at least 50 characters long" in done.stderr
    # Debug on does not excuse a short key that is set.
    assert start({"DJANGO_DEBUG": "true"}, key="x" * 49).returncode != 0
    assert start({"DJANGO_DEBUG": "false"}, key="x" * 50).returncode == 0


def test_only_a_local_run_with_debug_on_goes_without_a_key():
    done = start({"DJANGO_DEBUG": "true"}, key=None)
    assert done.returncode == 0, done.stderr


def test_the_key_may_come_from_its_file_and_is_checked_there_too(tmp_path):
    """Locally `make run` made var/secret-key: createsuperuser and evaluate
    read it, with nothing exported."""
    key_file = tmp_path / "secret-key"
    key_file.write_text(GOOD_KEY + "\n")
    done = start({"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY_FILE": str(key_file)}, key=None)
    assert done.returncode == 0, done.stderr
    key_file.write_text("x" * 49)
    done = start({"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY_FILE": str(key_file)}, key=None)
    assert done.returncode != 0
    assert f"The key in DJANGO_SECRET_KEY_FILE ({key_file}) must be at least 50" in done.stderr


def test_deploy_check_is_clean_with_production_variables():
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, capture_output=True, text=True, check=False,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
             "DJANGO_DEBUG": "false", "DJANGO_HTTPS": "true",
             "DJANGO_SECRET_KEY": GOOD_KEY,
             "DJANGO_ALLOWED_HOSTS": "pa.example.org"})
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.django_db
def test_starter_directory_is_loaded_by_migration():
    assert HTC.objects.count() == 35
    assert HTC.objects.filter(federally_designated=True).count() == 35
    assert HTC.objects.filter(name__startswith="Indiana Hemophilia", state="IN").exists()


@pytest.mark.django_db
def test_import_htcs_adds_updates_and_marks_designation(tmp_path):
    csv = tmp_path / "htcs.csv"
    csv.write_text("name,city,state,designated\n"
                   "New Center,Boise,id,yes\n"
                   "Indiana Hemophilia & Thrombosis Center (IHTC),Indianapolis,IN,no\n")
    out = io.StringIO()
    call_command("import_htcs", str(csv), stdout=out)
    assert "1 created, 1 updated, 36 in all" in out.getvalue()
    assert HTC.objects.get(name="New Center").state == "ID"
    assert not HTC.objects.get(name__startswith="Indiana Hemophilia").federally_designated


@pytest.mark.django_db
def test_import_htcs_reports_every_bad_line_and_changes_nothing(tmp_path):
    csv = tmp_path / "htcs.csv"
    csv.write_text("name,city,state,designated\nGood,Boise,ID,yes\n,Nowhere,Texas,perhaps\n")
    with pytest.raises(CommandError) as info:
        call_command("import_htcs", str(csv))
    message = str(info.value)
    assert "line 3: name is empty" in message
    assert "line 3: state must be two letters" in message
    assert "line 3: designated must be yes or no" in message
    assert not HTC.objects.filter(name="Good").exists()


@pytest.mark.django_db
def test_import_htcs_missing_columns(tmp_path):
    csv = tmp_path / "htcs.csv"
    csv.write_text("center\nX\n")
    with pytest.raises(CommandError, match="missing column"):
        call_command("import_htcs", str(csv))
