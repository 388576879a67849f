"""Writes of the member roster: the import, all or nothing, each change audited
(naming the fields that changed, never their values)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction

from authorizations.core.actions import AuditAction
from authorizations.core.audit import ImportResult, save_audited, service
from authorizations.members.models import Member
from authorizations.members.roster_csv import Row

FIELDS = ("member_id", "first_name", "last_name", "date_of_birth", "plan_type", "state",
          "language", "address_line1", "address_line2", "city", "postal_code")


@service
def member_import(rows: Iterable[Row], *, by: User | None = None) -> ImportResult:
    """Create or update each member of a roster export (roster_csv.read_rows),
    all or nothing; a member is known by the member key. Members absent from
    the file stay: an export may cover part of the book of business."""
    counts: Counter[AuditAction | None] = Counter()
    with transaction.atomic():
        for row in rows:
            member = Member.objects.filter(member_key=row.member_key).first() \
                or Member(member_key=row.member_key)
            for field in FIELDS:
                setattr(member, field, getattr(row, field))
            counts[save_audited(member, by=by, via="import")] += 1
    return ImportResult.of(counts)
