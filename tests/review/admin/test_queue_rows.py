"""The work queue's rows, drawn by review/admin/queue.py instead of the
admin's per-cell lookups (issue 20, speed): the same cells, escaped the same
way, and the same date-and-time text as every other page."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import Value
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils import formats as django_formats
from django.utils.html import format_html

from authorizations.core import formats as page_formats
from authorizations.core.formats import PageTimes, page_datetime
from authorizations.core.markup import quick_html
from authorizations.review.admin import queue
from authorizations.review.desk_services import case_claim
from tests.cases import AS_OF, approvable_case

CHANGELIST = reverse("admin:authorizations_authorizationrequest_changelist")
ZONES = ["America/New_York", "America/Chicago", "America/Los_Angeles", "Pacific/Honolulu",
         "UTC"]


def clock_change_nights(zone: ZoneInfo) -> list:
    """The nights nearest AS_OF, either way, on which `zone`'s offset changes
    (none for a zone without daylight time)."""
    nights = []
    for step in (1, -1):
        day = AS_OF
        for _ in range(370):
            start = datetime.combine(day, time(0), tzinfo=zone)
            if start.utcoffset() != (start + timedelta(days=1)).utcoffset():
                nights.append(day)
                break
            day += timedelta(days=step)
    return nights


def instants(zone: ZoneInfo):
    """Every 7 minutes and some seconds over the clock-change nights and
    around AS_OF, in UTC (so the repeated hour is there twice, once in each
    offset)."""
    for day in [AS_OF, *clock_change_nights(zone)]:
        start = datetime.combine(day - timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
        for step in range(3 * 24 * 60 // 7):
            yield start + timedelta(minutes=7 * step, seconds=step % 60)


@pytest.mark.parametrize("zone", ZONES)
def test_page_times_write_what_page_datetime_writes(zone):
    with timezone.override(zone):
        times = PageTimes()
        # The pages' format takes the quick way, the clock's letters too.
        assert times.patterns is not None and times.clock is not None
        values = list(instants(ZoneInfo(zone)))
        assert [times(value) for value in values] == [page_datetime(value) for value in values]
        assert any(" AM " in page_datetime(value) for value in values)


@pytest.mark.parametrize("pattern, quick_clock", [
    (r"D, N jS Y, h:i a T", True),
    (r"l j F Y \a\t G.i:s T", True),
    (r"F j, Y, H:i:s.u T", False),  # microseconds: Django's own clock
])
def test_page_times_of_other_formats_write_what_page_datetime_writes(monkeypatch, pattern,
                                                                    quick_clock):
    monkeypatch.setattr(django_formats, "get_format", lambda name: pattern)
    with timezone.override("America/New_York"):
        times = PageTimes()
        assert times.patterns is not None and (times.clock is not None) == quick_clock
        values = list(instants(ZoneInfo("America/New_York")))
        assert [times(value) for value in values] == [page_datetime(value) for value in values]
        local = timezone.localtime(values[0])
        assert page_datetime(values[0]) == dateformat.format(local, pattern[:-1]) + local.tzname()


@pytest.mark.parametrize("zone", ZONES)
def test_page_times_plain_writes_what_a_template_writes(zone):
    # `{{ value }}` of a datetime: as page_datetime, but no zone in the hour
    # the clocks repeat (the request page's documents and letters).
    template = Template("{{ value }}")
    with timezone.override(zone):
        times = PageTimes()
        values = list(instants(ZoneInfo(zone)))
        assert [times.plain(value) for value in values] == [
            template.render(Context({"value": value})) for value in values]


@pytest.mark.parametrize("pattern", ["g:i A, F j, Y T", "F j, Y, g:i A", "F j, Y, g:i A e T"])
def test_another_format_goes_to_page_datetime(monkeypatch, pattern):
    # The clock before the day, no zone last, or another zone letter: no quick way.
    monkeypatch.setattr(page_formats.formats, "get_format", lambda name: pattern)
    monkeypatch.setattr(page_formats, "page_datetime",
                        lambda value: f"page_datetime({value:%H:%M})")
    times = PageTimes()
    assert times.patterns is None
    assert times(datetime.combine(AS_OF, time(15, 5), tzinfo=UTC)) == "page_datetime(15:05)"


@pytest.mark.parametrize("args", [
    ("O'Brien & <b>Sons</b>", 'say "hi"'),
    (12, None),
    (format_html("<em>{}</em>", "safe & sound"), "<plain>"),
])
def test_quick_html_escapes_as_format_html_does(args):
    template = '<span title="{}">{}</span>'
    assert quick_html(template, *args) == format_html(template, *args)


@pytest.mark.django_db
def test_the_queue_escapes_what_people_typed(reviewer_client, prescriber, submit):
    req = submit(prescriber, approvable_case(member_id="M-ESC-1", hbsag="positive",
                                             patient_first_name="<b>Ada</b>",
                                             patient_last_name="O'Hara & Co"))
    html = reviewer_client.get(CHANGELIST).content.decode()
    assert "&lt;b&gt;Ada&lt;/b&gt; O&#x27;Hara &amp; Co<br><small>M-ESC-1</small>" in html
    assert "<b>Ada</b>" not in html
    link = f'<td class="field-number_link"><a href="{CHANGELIST}{req.pk}/change/">{req.number}</a>'
    row = html[html.index(link):]
    row = row[:row.index("</tr>")]
    for column in ("number_link", "state", "member", "htc_short", "time_left",
                   "owner_display", "badges"):
        assert f'<td class="field-{column}">' in row
    assert "Pending clinical review<br><small>Criteria not met</small>" in row
    assert "1 unmet</span>" in row


@pytest.mark.django_db
def test_the_list_reads_no_field_a_row_at_a_time(reviewer_client, reviewer, prescriber,
                                                  submit):
    # The list loads only its columns' fields: a column reading any other
    # would cost a query per row, here per owned, flagged request.
    def listed():
        with CaptureQueriesContext(connection) as ctx:
            html = reviewer_client.get(CHANGELIST).content.decode()
        return html, len(ctx.captured_queries)

    def owned(n: int):
        req = submit(prescriber, approvable_case(member_id=f"M-OWNED-{n}", hbsag="positive"),
                     reports=False)
        case_claim(by=reviewer, req=req)
        return req

    owned(0)
    html, before = listed()
    assert "Rita Reviewer</td>" in html and ">No docs</span>" in html
    for n in range(1, 4):
        owned(n)
    html, after = listed()
    assert html.count("Rita Reviewer</td>") == 4 and after == before


@pytest.mark.django_db
def test_a_long_list_is_counted_to_the_cap_and_says_more_than(monkeypatch, reviewer_client,
                                                              prescriber, submit):
    # Counting every request on every view was the queue's costliest query
    # (QueuePaginator): past the cap the page says "more than" and pages to the cap.
    monkeypatch.setattr(queue.QueuePaginator, "COUNT_CAP", 3)
    monkeypatch.setattr(queue.QueuePaginator, "cap_words", "3")
    from django.contrib import admin

    from authorizations.models import AuthorizationRequest
    monkeypatch.setattr(admin.site._registry[AuthorizationRequest], "list_per_page", 2)
    for n in range(5):
        submit(prescriber, approvable_case(member_id=f"M-CAP-{n}", hbsag="positive"))

    def paginator(path: str) -> str:
        html = reviewer_client.get(path).content.decode()
        text = html[html.index('<p class="paginator">'):]
        return " ".join(text[:text.index("</p>")].split())

    long_list = paginator(CHANGELIST)
    assert "More than 3 authorization requests: search, filter or sort" in long_list
    assert 'href="?p=2"' in long_list and "?p=3" not in long_list  # 3 rows, 2 a page
    assert reviewer_client.get(CHANGELIST + "?p=3").status_code == 302  # past the cap

    def toolbar(path: str) -> str:
        html = reviewer_client.get(path).content.decode()
        text = html[html.index('<div id="toolbar">'):]
        return " ".join(text[:text.index("</form>")].split())

    assert "results (" not in toolbar(CHANGELIST)  # nothing searched or filtered
    assert "More than 3 results (" in toolbar(CHANGELIST + "?status=pending_review")
    assert "1 result (" in toolbar(CHANGELIST + "?q=M-CAP-1")

    short_list = paginator(CHANGELIST + "?q=M-CAP-1")
    assert "1 authorization request" in short_list and "More than" not in short_list


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?view=mine&status=pending_review&expedited__exact=1"])
def test_the_filters_are_written_as_the_admins_template_writes_them(rf, reviewer, prescriber,
                                                                    submit, query):
    import re

    from django.contrib import admin
    from django.contrib.admin.templatetags.admin_list import admin_list_filter

    from authorizations.models import AuthorizationRequest
    submit(prescriber, approvable_case(member_id="M-FILTER-1", hbsag="positive"))
    request = rf.get(CHANGELIST + query)
    request.user = reviewer
    cl = admin.site._registry[AuthorizationRequest].get_changelist_instance(request)
    admins = "".join(admin_list_filter(cl, spec) for spec in cl.filter_specs)

    def tags(html: str) -> str:
        return re.sub(r">\s+<", "><", " ".join(html.split()))

    assert tags(queue.filter_sidebar(cl)) == tags(admins)
    assert 'class="selected"' in admins


@pytest.mark.django_db
def test_the_rows_hold_what_the_orm_reads(reviewer, prescriber, submit):
    # list_rows fills instances without Model.__init__: the same values as
    # Django's own instances, related HTC and owner included.
    from authorizations.models import AuthorizationRequest

    owned = submit(prescriber, approvable_case(member_id="M-ROW-1", hbsag="positive"))
    case_claim(by=reviewer, req=owned)
    submit(prescriber, approvable_case(member_id="M-ROW-2", hbsag="positive"))
    queryset = AuthorizationRequest.objects.exclude(status="draft").annotate(
        responded=queue.review_selectors.RESPONDED,
        exception_pending=Value(False)).order_by("pk")
    rows, made = queue.list_rows(queryset), list(queryset.select_related("htc", "owner"))
    assert [r.number for r in rows] == [m.number for m in made] and len(rows) == 2
    for row, model in zip(rows, made, strict=True):
        for name in queue.ROW_FIELDS:
            assert getattr(row, name) == getattr(model, name), name
        assert (row.htc.pk, row.htc.city, row.htc.state, row.htc.name) == (
            model.htc.pk, model.htc.city, model.htc.state, model.htc.name)
        assert (row.owner and row.owner.get_full_name()) == (
            model.owner and model.owner.get_full_name())
        assert row.is_overdue(timezone.now()) == model.is_overdue(timezone.now())
        assert row._state.adding is False and row == model
        assert row.submitted_at == model.submitted_at  # not read: loaded on access
    assert rows[0].owner == reviewer and rows[1].owner is None


@pytest.mark.django_db
def test_the_rows_are_what_the_admins_own_cells_write(rf, reviewer, prescriber, submit):
    # table() writes queue_cells' HTML directly; the admin's items_for_result
    # writes each column through the ModelAdmin: the same row, cell for cell.
    from django.contrib import admin
    from django.contrib.admin.templatetags.admin_list import items_for_result

    from authorizations.models import AuthorizationRequest

    owned = submit(prescriber, approvable_case(member_id="M-CELL-1", hbsag="positive",
                                               patient_first_name="<i>Ann</i>",
                                               patient_last_name="D'Arcy & Co"))
    case_claim(by=reviewer, req=owned)
    submit(prescriber, approvable_case(member_id="M-CELL-2", hbsag="positive"))
    submit(prescriber, approvable_case(member_id="M-CELL-3"))  # approved
    request = rf.get(CHANGELIST)
    request.user = reviewer
    model_admin = admin.site._registry[AuthorizationRequest]
    changelist = model_admin.get_changelist_instance(request)
    rows = changelist.table()["rows"]
    assert len(rows) == 3
    for row, obj in zip(rows, changelist.result_list, strict=True):
        assert row == "".join(items_for_result(changelist, obj, None))
    page = "".join(rows)
    assert "&lt;i&gt;Ann&lt;/i&gt; D&#x27;Arcy &amp; Co<br><small>M-CELL-1</small>" in page
    assert ">Claim<" in page and "Decided <time" in page and "Rita Reviewer" in page
