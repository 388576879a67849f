"""`seed_demo --history`: a short history, built through the services, whose
figures on the operations and outcomes pages each stand on at least 11."""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from authorizations.core import zones
from authorizations.models import AuditEvent, AuthorizationRequest, FollowUp
from authorizations.operations import metrics, outcomes
from authorizations.operations.views import fix_grids
from tests.cases import long_date
from tests.factories import login

pytestmark = pytest.mark.django_db

# The outcomes a year's history reaches: factor IX at 6 and 12 months, the
# bleeding rate of months 7-18 (the later windows and time points have none).
LATER = re.compile(r"_(18|24|30|36|42|48|54|60)$|_(19|31|43|55)_\d+$")


def cells(html: str) -> list[str]:
    """The figures of the page's tables, as printed."""
    return re.findall(r'<td class="text-end">([^<]*)</td>', html)


def test_a_years_history_fills_the_figures_of_that_year(settings, monkeypatch, quick_letters,
                                                        client):
    settings.DEMO = True
    monkeypatch.setenv("DEMO_PASSWORD", "a-long-demo-password-1")
    started = time.monotonic()
    call_command("seed_demo", "--history", "1", "--size", "11")
    took = time.monotonic() - started
    print(f"seed_demo --history 1 --size 11: {took:.1f} s")

    # Built through the services: each request's writes are on record, at
    # the history's times.
    today = zones.today()
    first = AuthorizationRequest.objects.filter(
        prescriber__username__startswith="history-prescriber-").order_by("submitted_at").first()
    assert AuditEvent.objects.filter(object_id=str(first.pk), action="submit").get().at \
        == first.submitted_at < first.created_at + timedelta(days=2)
    assert zones.service_date(first.submitted_at) < today - timedelta(days=365)

    # The operations page as it opens (its default period, the last 12 full
    # months): every cell holds 11 or more, and the page names the period.
    login(client, User.objects.get(username="demo-reviewer"))
    page = client.get("/operations/").content.decode()
    month_start = today.replace(day=1)
    last = month_start - timedelta(days=1)
    since = month_start.replace(year=month_start.year - 1)
    assert re.search(r"The last 12 full months: requests submitted from\s+"
                     + re.escape(f"{long_date(since)} to {long_date(last)}."), page)
    shown = cells(page)
    assert len(shown) == len(metrics.compute(since, last).figures)
    assert "fewer than 11" not in shown and "none" not in shown
    counts = cells(page.split('id="table-counts-caption"')[1].split("</table>")[0])
    assert len(counts) == 6 and min(int(n) for n in counts) >= 11, counts
    assert all(float(text.split()[0]) > 0 for text in shown), shown

    # Outcomes to 12 months: every figure stands on 11 patients or more.
    o = outcomes.compute()
    reached = [f for f in o.figures if not LATER.search(f.key)]
    assert [f.key for f in reached if f.suppressed or f.value is None] == []
    assert o.treated.value >= 7 * 11
    assert FollowUp.objects.filter(status="waived").count() >= 11
    # Factor IX in its grids: by assay, a row per time point (operations/views.py).
    grids = [cell for grid in fix_grids(o) for row in grid["rows"] for cell in row["cells"]]
    assert sorted(f.key for f in grids) == sorted(f.key for f in o.fix_table)
    in_page_order = [o.treated, *o.prophylaxis, *grids, *o.bleeds, *o.completion]
    shown = dict(zip([f.key for f in in_page_order], cells(
        client.get("/operations/outcomes/").content.decode()), strict=True))
    assert all(shown[f.key] != "fewer than 11" for f in reached)
