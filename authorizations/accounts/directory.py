"""The HTC directory and the people's profiles.

A prescriber's HTC decides which patients they see, and a reviewer's
credentials are printed on denials: every change is audited, naming the
fields that changed (never their values) and the ids involved.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction

from authorizations.accounts.htc_csv import Row
from authorizations.core import zones
from authorizations.core.actions import AuditAction
from authorizations.core.audit import ImportResult, changes, delete_audited, save_audited, service
from authorizations.models import HTC, PrescriberProfile, ReviewerProfile


@service
def htc_save(htc: HTC, *, by: User | None) -> HTC:
    """Add a center to the directory, or store the changes made to one. A
    center without a time zone takes its state's (where the state has one)."""
    htc.time_zone = htc.time_zone or zones.state_zone(htc.state)
    with transaction.atomic():
        save_audited(htc, by=by)
    return htc


@service
def htc_delete(htc: HTC, *, by: User | None) -> None:
    """Remove a center (the database refuses while prescribers or requests name it)."""
    with transaction.atomic():
        delete_audited(htc, by=by)


@service
def htc_import(rows: Iterable[Row], *, by: User | None = None) -> ImportResult:
    """Create or update each center of a directory export (htc_directory.read_rows),
    all or nothing; a center is known by its name, city and state."""
    counts: Counter[AuditAction | None] = Counter()
    with transaction.atomic():
        for row in rows:
            htc = (HTC.objects.filter(name=row.name, city=row.city, state=row.state).first()
                   or HTC(name=row.name, city=row.city, state=row.state))
            htc.federally_designated = row.federally_designated
            htc.region = row.region
            htc.source_url = row.source_url
            # A split state's center keeps the zone set on it when the row has none.
            htc.time_zone = row.time_zone or htc.time_zone
            counts[save_audited(htc, by=by, via="import")] += 1
    return ImportResult.of(counts)


@service
def prescriber_profile_save(profile: PrescriberProfile, *, by: User | None
                            ) -> PrescriberProfile:
    """Make a user a prescriber at an HTC, or store the changes to their profile.
    A change of HTC is recorded with both HTC ids."""
    with transaction.atomic():
        htc = changes(profile).get("htc")
        detail = {"htc": list(htc)} if htc and htc[0] is not None else {}
        save_audited(profile, by=by, **detail)
    return profile


@service
def prescriber_profile_delete(profile: PrescriberProfile, *, by: User | None
                              ) -> None:
    with transaction.atomic():
        delete_audited(profile, by=by)


@service
def reviewer_profile_save(profile: ReviewerProfile, *, by: User | None
                          ) -> ReviewerProfile:
    with transaction.atomic():
        save_audited(profile, by=by)
    return profile


@service
def reviewer_profile_delete(profile: ReviewerProfile, *, by: User | None) -> None:
    with transaction.atomic():
        delete_audited(profile, by=by)
