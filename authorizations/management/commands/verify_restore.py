"""Verify a restored database (bin/restore-drill): every letter's stored
SHA-256 matches its PDF, and the audit rows are all there.

    DATABASE_URL=<the restored database> manage.py verify_restore \
        [--source <URL of the database the dump came from>] [--audit-rows N]

Letters (each determination's, the members' copies, the information
requests' letters) and supporting documents are hashed again and compared
with the digest stored when they were written. Audit rows are append-only:
the restored copy must hold exactly as many as the source held up to the last
one restored (`--source`, read-only, a plain SQL count), or exactly N
(`--audit-rows`). Prints one JSON line of counts; exits non-zero on any
mismatch, naming the rows by id (never their content).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max

from authorizations.models import AuditEvent, Document, InformationRequest, Letter, MemberCopy

# model, its bytes, its stored digest
HASHED = ((Letter, "pdf", "sha256"), (MemberCopy, "pdf", "sha256"),
          (InformationRequest, "letter_pdf", "letter_sha256"), (Document, "content", "sha256"))


def mismatches(rows: Iterable[tuple[int, bytes | memoryview | None, str]]
               ) -> tuple[int, list[int]]:
    """(rows checked, ids whose bytes do not hash to their stored digest)."""
    checked, bad = 0, []
    for pk, content, digest in rows:
        if content is None and not digest:
            continue  # an information request without a letter
        checked += 1
        if content is None or hashlib.sha256(bytes(content)).hexdigest() != digest:
            bad.append(pk)
    return checked, bad


def source_audit_rows(url: str, up_to: int) -> int:
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute("SET TRANSACTION READ ONLY")
        cursor.execute("SELECT count(*) FROM authorizations_auditevent WHERE id <= %s", [up_to])
        row = cursor.fetchone()
        return int(row[0]) if row else 0


class Command(BaseCommand):
    help = ("Verify a restored database: every letter's (and document's) stored SHA-256, "
            "and the count of audit rows against the source database or a number.")

    def add_arguments(self, parser):
        parser.add_argument("--source", help="URL of the database the dump was taken from "
                                             "(read only)")
        parser.add_argument("--audit-rows", type=int, help="how many audit rows there must be")

    def handle(self, *args, source=None, audit_rows=None, **options):
        report: dict[str, object] = {}
        problems: list[str] = []
        for model, content, digest in HASHED:
            rows = (model.objects.order_by("pk").values_list("pk", content, digest)
                    .iterator(chunk_size=20))
            checked, bad = mismatches(rows)
            report[model.__name__] = checked
            if bad:
                problems.append(f"{model.__name__} {', '.join(map(str, bad))}: the stored "
                                "SHA-256 does not match")
        restored = AuditEvent.objects.count()
        last = AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0
        report["AuditEvent"] = restored
        expected = audit_rows
        if source:
            expected = source_audit_rows(source, last)
        if expected is not None and expected != restored:
            problems.append(f"audit rows: {restored} restored, {expected} expected")
        report["verified"] = not problems
        self.stdout.write(json.dumps(report))
        if problems:
            raise CommandError("; ".join(problems))
