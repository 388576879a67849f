"""The benchmark's list pages: the admin changelist and the operations page
at 1,000 and 100,000 requests, with their query counts (bench/benchmark.py runs it)."""

from __future__ import annotations

from datetime import date

from bench.httpclient import Client, summarize, timed_gets


def bulk_requests(total: int) -> None:
    """Bring the number of submitted requests up to `total`, in bulk.

    Volume for the list pages' timings, written straight to the table: the
    one writer besides the services, and only in the benchmark's own database.
    Submitted at a steady rate of one every 43 minutes (about 1,000 a month),
    going back in time: 100,000 requests are eight years of them, as a table
    grows; decided ones were decided 1 to 72 hours after submission.
    """
    from django.utils import timezone

    from authorizations.models import AuthorizationRequest, PrescriberProfile
    from tests.factories import approvable_case

    have = AuthorizationRequest.objects.count()
    profiles = list(PrescriberProfile.objects.select_related("user", "htc"))
    now = timezone.now()
    batch = []
    for i in range(have, total):
        profile = profiles[i % len(profiles)]
        status = ("pending_review", "approved", "denied")[i % 3]
        submitted = now - timezone.timedelta(minutes=43 * i)
        batch.append(AuthorizationRequest(
            answers=approvable_case(member_id=f"BULK-{i}"), member_id=f"BULK-{i}",
            patient_name=f"Patient {i}", status=status,
            outcome="not_met" if status != "approved" else "meets_criteria",
            unmet=["hepatitis_b"] if status != "approved" else [],
            prescriber=profile.user, htc=profile.htc, submitted_at=submitted,
            decided_at=(submitted + timezone.timedelta(hours=1 + i % 72)
                        if status != "pending_review" else None),
            due_at=now + (timezone.timedelta(days=15) if i % 5 else timezone.timedelta(hours=72)),
        ))
        if len(batch) == 5000:
            AuthorizationRequest.objects.bulk_create(batch)
            batch = []
    if batch:
        AuthorizationRequest.objects.bulk_create(batch)


def page_queries(path: str) -> int:
    """The number of SQL queries the page takes (Django's test client, the
    reviewer signed in)."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = DjangoClient(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="bench-reviewer"))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} gave HTTP {response.status_code}")
    return len(ctx.captured_queries)


LISTS = {"admin changelist": "/admin/authorizations/authorizationrequest/",
         # Its default period: the last 12 full months (about 12,000 of the
         # 100,000 requests); the month so far was the default until issue 20's
         # polish, measured on its own for comparison with earlier runs.
         "operations page": "/operations/",
         "operations, month": "/operations/?from={month_start}&to={today}",
         # Every request ever: the figures are medians and averages over every
         # row of the period, so this one grows with the table.
         "operations, 10 years": "/operations/?from={ten_years_ago}&to={today}"}


def run_lists(args, base_p50: float, password: str) -> None:
    client = Client("127.0.0.1", args.port)
    client.login("bench-reviewer", password, "/admin/login/")
    print("== Reviewer's lists               queries   p50 ms   p99 ms  p50 ratio to login")
    figures = {}
    for total in (1_000, args.large):
        bulk_requests(total)
        from django.db import connection

        with connection.cursor() as cursor:
            # What autovacuum does after a bulk load: statistics and the
            # visibility map (index-only COUNT).
            cursor.execute("VACUUM ANALYZE authorizations_authorizationrequest")
        for name, path in LISTS.items():
            today = date.today()
            path = path.format(today=today, month_start=today.replace(day=1),
                               ten_years_ago=today.replace(year=today.year - 10))
            queries = page_queries(path)
            p50, p99 = summarize(timed_gets(client, path, max(20, args.samples // 4)))
            figures[name, total] = (queries, p50)
            print(f"{name:20} {total:>7,} {queries:6d} {p50:8.2f} {p99:8.2f} "
                  f"{p50 / base_p50:8.1f}")
    for name in LISTS:
        (q1, t1), (q2, t2) = figures[name, 1_000], figures[name, args.large]
        print(f"{name}: query count {'unchanged' if q1 == q2 else 'CHANGED'}; "
              f"p50 ratio {t2 / t1:.2f} ({args.large:,} against 1,000 requests)")
    print()
    client.close()

