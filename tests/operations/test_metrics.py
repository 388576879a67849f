"""The operations metrics: the figures, their suppression, one function for the
page, the CSV and the command, and a fixed number of queries."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from authorizations.models import AuthorizationRequest, Status
from authorizations.operations import metrics
from authorizations.operations.forms import periods
from authorizations.operations.services import user_create_operations
from authorizations.requests.services import request_decide
from tests.cases import approvable_case, days, long_date
from tests.factories import PASSWORD, login, submitted_request

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 10)
START, END = date(2026, 11, 1), date(2026, 11, 30)


def at(hours: float) -> datetime:
    base = timezone.make_aware(datetime(2026, 11, 10, 9, 0))
    return base + timedelta(hours=hours)


def _place(req, *, created, submitted, decided=None, due=None):
    AuthorizationRequest.objects.filter(pk=req.pk).update(
        created_at=at(created), submitted_at=at(submitted),
        decided_at=None if decided is None else at(decided),
        due_at=at(due if due is not None else submitted + 72))


def _dob(i: int) -> str:
    """A different person each time (the same name and birth date would raise
    the possible-duplicate flag)."""
    return (date(1960, 1, 1) + timedelta(days=37 * i)).isoformat()


def approved_at_once(prescriber, n, start=0):
    for i in range(start, start + n):
        case = approvable_case(member_id=f"UHC-7{i:08d}", date_of_birth=_dob(i))
        req = submitted_request(prescriber, case).request
        # Submitted an hour after the first step, decided at once.
        _place(req, created=i - 1, submitted=i, decided=i)


def pended(prescriber, n, start=100, *, decide=None, reviewer=None, expedited=False):
    reqs = []
    for i in range(start, start + n):
        case = approvable_case(member_id=f"UHC-8{i:08d}", hbsag="positive",
                               date_of_birth=_dob(i))
        req = submitted_request(prescriber, case, expedited=expedited, reports=False).request
        assert req.status == Status.PENDING_REVIEW
        if decide is not None:
            request_decide(by=reviewer, req=req, approve=decide, rationale="Reviewed.")
        reqs.append(req)
    return reqs


def figure(m, key):
    return next(f for f in m.figures if f.key == key)


def test_small_cells_are_suppressed(prescriber):
    approved_at_once(prescriber, 3)
    m = metrics.compute(START, END)
    assert all(f.suppressed for f in m.figures)
    assert figure(m, "submitted").text == "fewer than 11"
    assert figure(m, "submitted").csv == "<11"
    assert "3" not in json.dumps(m.as_dict()["figures"])


def test_the_figures(prescriber, reviewer):
    approved_at_once(prescriber, 12)
    denied = pended(prescriber, 11, decide=False, reviewer=reviewer)
    for i, req in enumerate(denied):  # decided 10 + i hours after submission; 3 late
        _place(req, created=100 + i - 2, submitted=100 + i, decided=110 + 2 * i,
               due=100 + i + (5 if i >= 8 else 72))
    m = metrics.compute(START, END)
    assert figure(m, "submitted").value == 23
    assert figure(m, "approved_at_once").value == 12
    assert figure(m, "approved_after_review").suppressed  # none
    assert figure(m, "denied").value == 11
    assert figure(m, "pended").value == 11
    # Standard: 12 decided at once (0 h) and 11 after 10..20 hours -> median 0 h.
    assert figure(m, "median_hours_to_decision_standard").value == 0
    average = figure(m, "average_hours_to_decision_standard").value
    assert float(average) == pytest.approx(sum(10 + i for i in range(11)) / 23, abs=0.05)
    assert figure(m, "median_hours_to_decision_expedited").suppressed
    assert float(figure(m, "decided_within_clock_percent").value) == pytest.approx(
        100 * 20 / 23, abs=0.05)
    # First step to submission: 12 x 1 h and 11 x 2 h -> median 1 h.
    assert figure(m, "median_hours_first_step_to_submission").value == 1
    # The 12 approved at once were submitted with the two reports the policy
    # asks for, the 11 pended with none: 24 documents for 23 requests.
    assert figure(m, "documents_per_request").value == Decimal("1.04")
    # Another period: nothing.
    assert figure(metrics.compute(date(2026, 10, 1), date(2026, 10, 31)),
                  "submitted").suppressed


def test_a_fixed_number_of_queries(prescriber, reviewer, django_assert_max_num_queries):
    approved_at_once(prescriber, 12)
    with django_assert_max_num_queries(8) as few:
        metrics.compute(START, END)
    approved_at_once(prescriber, 30, start=50)
    pended(prescriber, 12, decide=False, reviewer=reviewer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        metrics.compute(START, END)


@pytest.fixture
def operations_user(db):
    return user_create_operations(by=None, username="ops", password=PASSWORD)




def test_the_page_and_its_csv(client, operations_user, prescriber):
    approved_at_once(prescriber, 12)
    client.force_login(operations_user)
    response = client.get("/operations/", {"from": "2026-11-01", "to": "2026-11-30"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg class="ops-chart" role="img"' in html and "<title id=" in html
    assert "Approved at once by software" in html and "fewer than 11" in html
    assert "Quinlan" not in html and "UHC-7" not in html  # aggregates only
    response = client.get("/operations/metrics.csv", {"from": "2026-11-01", "to": "2026-11-30"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["metric", "key", "value"]
    cells = {r[1]: r[2] for r in rows[1:]}
    assert cells["submitted"] == "12" and cells["denied"] == "<11"


@pytest.mark.parametrize("n", range(0, 400, 29))
def test_the_named_periods_are_whole_months_before_today(n):
    today = days(-n)
    named = {p.key: p for p in periods(today)}
    month_start = today.replace(day=1)
    year, quarter, month = named["last_12_months"], named["last_quarter"], named["last_month"]
    assert (year.start, year.end) == (month_start.replace(year=month_start.year - 1),
                                      month_start - timedelta(days=1))
    assert month.end == year.end and month.start == year.end.replace(day=1)
    # The latest whole calendar quarter that ended before today.
    assert quarter.start.day == 1 and quarter.start.month in (1, 4, 7, 10)
    after = quarter.end + timedelta(days=1)
    assert after.day == 1 and (after.month - quarter.start.month) % 12 == 3
    assert quarter.end < today and (today - quarter.end).days <= 92
    assert (named["this_month"].start, named["this_month"].end) == (month_start, today)
    assert named["this_year"].start == today.replace(month=1, day=1)


def test_the_page_opens_on_the_last_12_full_months_and_offers_the_others(
        client, operations_user):
    client.force_login(operations_user)
    html = client.get("/operations/").content.decode()
    month_start = days(0).replace(day=1)
    since, until = month_start.replace(year=month_start.year - 1), month_start - timedelta(days=1)
    assert (f"The last 12 full months: requests submitted from\n    {long_date(since)} to "
            f"{long_date(until)}.") in html
    assert f'?from={since}&amp;to={until}" aria-current="page">The last 12 full months</a>' \
        in html
    assert f'?from={month_start}&amp;to={days(0)}">This month so far</a>' in html
    # Another named period: its name and dates, and the CSV of the same period.
    html = client.get("/operations/", {"from": month_start, "to": days(0)}).content.decode()
    assert f"This month so far: requests submitted from\n    {long_date(month_start)} to " \
        f"{long_date(days(0))}." in html
    assert f"from={month_start}&amp;to={days(0)}" in html.split("Download these metrics")[0]
    # The CSV's default period is the page's.
    rows = list(csv.reader(io.StringIO(client.get("/operations/metrics.csv").content.decode())))
    assert rows[1][4:] == [since.isoformat(), until.isoformat()]


def test_period_errors_name_the_field(client, operations_user):
    client.force_login(operations_user)
    response = client.get("/operations/", {"from": "2026-13-01", "to": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "From date must be a date" in html and "Enter the To date" in html
    response = client.get("/operations/", {"from": "2026-11-30", "to": "2026-11-01"})
    assert "To date must be on or after the From date" in response.content.decode()
    response = client.get("/operations/metrics.csv", {"from": "x", "to": "2026-11-01"})
    assert response.status_code == 400 and b"From date" in response.content


@pytest.mark.parametrize("page", ["/operations/", "/operations/metrics.csv"])
def test_dates_far_out_are_refused_by_their_field_not_a_500(client, operations_user, page):
    # Issue 23 N11: 0001-01-01 to 9999-12-31 overflowed on its way to a datetime.
    client.force_login(operations_user)
    response = client.get(page, {"from": "0001-01-01", "to": "9999-12-31"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "From date must be between 2000-01-01 and 2099-12-31" in text
    assert "To date must be between 2000-01-01 and 2099-12-31" in text
    if page == "/operations/":
        assert 'value="0001-01-01"' in text and 'value="9999-12-31"' in text


def test_who_may_see_it(client, prescriber, reviewer, operations_user):
    assert client.get("/operations/").status_code == 302
    login(client, prescriber)
    assert client.get("/operations/").status_code == 403
    assert client.get("/operations/metrics.csv").status_code == 403
    client.force_login(reviewer)
    assert client.get("/operations/").status_code == 200
    client.force_login(operations_user)
    assert client.get("/operations/metrics.csv").status_code == 200


def test_the_command_gives_the_same_figures(prescriber, capsys):
    approved_at_once(prescriber, 12)
    call_command("metrics", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data == json.loads(json.dumps(metrics.compute(START, END).as_dict()))
    call_command("metrics", "--from", "2026-11-01", "--to", "2026-11-30")
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("metric,key,value")
    assert "submitted,12," in out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="percentile_cont: PostgreSQL's")
@pytest.mark.parametrize("pending", [11, 12])  # with the 12 at once: 23 and 24 decided
def test_the_medians_in_the_scan_are_the_middle_rows(prescriber, reviewer, monkeypatch,
                                                     django_assert_max_num_queries, pending):
    approved_at_once(prescriber, 12)
    for i, req in enumerate(pended(prescriber, pending, decide=False, reviewer=reviewer)):
        _place(req, created=100 + i - (0.7 * i + 0.25), submitted=100 + i,
               decided=100 + i + 3.3 * i + 0.1)
    with django_assert_max_num_queries(100) as in_scan:
        scanned = metrics.compute(START, END)
    monkeypatch.setattr(metrics, "MEDIANS_IN_SCAN", False)
    with django_assert_max_num_queries(100) as by_rows:
        read = metrics.compute(START, END)
    assert [(f.key, f.value, f.suppressed) for f in scanned.figures] == \
        [(f.key, f.value, f.suppressed) for f in read.figures]
    assert figure(scanned, "median_hours_to_decision_standard").value is not None
    assert len(in_scan.captured_queries) == len(by_rows.captured_queries) - 2
