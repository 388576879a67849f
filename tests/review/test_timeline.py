import pytest
from django.db import connection
from django.urls import reverse

from authorizations.review.services import information_request, information_respond
from tests.factories import login

pytestmark = pytest.mark.django_db


def test_the_timeline_says_who_did_what_and_when(client, reviewer_client, prescriber,
                                                 reviewer, pending):
    information_request(by=reviewer, req=pending, criteria=[],
                        document_kinds=["clinic_note"], message="Note please.")
    information_respond(by=prescriber, req=pending, note="Sent.")
    admin_html = reviewer_client.get(reverse(
        "admin:authorizations_authorizationrequest_change", args=[pending.pk])).content.decode()
    page = login(client, prescriber).get(reverse("request_detail", args=[pending.pk]))
    for html in (admin_html, page.content.decode()):
        for words in ("Created", "Submitted; criteria result: not met", "Information requested",
                      "Prescriber responded", reviewer.get_full_name(),
                      prescriber.get_full_name()):
            assert words in html
        # People by their names, as the letters name them, not by their logins.
        assert f"<td>{reviewer.username}</td>" not in html
        assert f"<td>{prescriber.username}</td>" not in html


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_timeline_reads_an_index_that_holds_no_page_view(pending):
    # Page views grow with every reviewer who opens the request; the
    # timeline's index (audit_timeline) leaves them out, and the first page's
    # prepared statement can use it (its actions are written into the SQL).
    from authorizations.review.timeline import FIRST_PAGE

    sql, params = FIRST_PAGE.bound("default", {"object_id": str(pending.pk)})
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows here
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "audit_timeline" in plan, plan
