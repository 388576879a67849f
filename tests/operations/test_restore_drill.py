"""The restore drill's check (manage.py verify_restore; bin/restore-drill runs
it on a restored PostgreSQL database in .ci/run): every letter's stored
SHA-256 matches its bytes, and the audit rows are all there."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from authorizations.management.commands.verify_restore import mismatches
from authorizations.models import AuditEvent, Letter, MemberCopy, Status

pytestmark = pytest.mark.django_db


def verify(**options) -> dict:
    out = io.StringIO()
    call_command("verify_restore", stdout=out, **options)
    return json.loads(out.getvalue())


def test_a_sound_database_passes_with_its_letters_and_audit_rows_counted(
        make_decided, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_decided(Status.APPROVED)
        make_decided(Status.DENIED)
    report = verify(audit_rows=AuditEvent.objects.count())
    assert report["verified"] is True
    assert report["Letter"] == Letter.objects.count() >= 2
    assert report["MemberCopy"] == MemberCopy.objects.count() >= 2
    assert report["AuditEvent"] == AuditEvent.objects.count() > 0


def test_a_missing_audit_row_fails_the_drill(make_decided):
    make_decided(Status.APPROVED)
    with pytest.raises(CommandError, match=r"audit rows: \d+ restored, \d+ expected"):
        verify(audit_rows=AuditEvent.objects.count() + 1)


def test_a_letter_whose_bytes_changed_is_named_by_id():
    good = b"%PDF-1.7 letter"
    rows = [(1, good, hashlib.sha256(good).hexdigest()),
            (2, memoryview(b"%PDF-1.7 changed"), hashlib.sha256(good).hexdigest()),
            (3, None, ""),  # an information request without a letter: not counted
            (4, None, hashlib.sha256(good).hexdigest())]  # its bytes lost
    assert mismatches(rows) == (3, [2, 4])
