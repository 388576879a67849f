"""core/prepared.py `select` and `count`: a queryset's rows and its capped
count as Django gives them, run as prepared statements on PostgreSQL with
their constants written in; the work queue reads its rows and count so, and
PostgreSQL plans its rows once (a generic plan) instead of on every view."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from authorizations.core import prepared
from authorizations.models import AuthorizationRequest, InformationRequest, Status
from authorizations.review.admin import queue
from tests.cases import approvable_case

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:authorizations_authorizationrequest_changelist")


def _submitted(submit, prescriber, members):
    return [submit(prescriber, approvable_case(member_id=member, hbsag="positive"))
            for member in members]


def _querysets():
    """A JSON field, an EXISTS annotation, a join, a time bound, a LIKE term
    holding LIKE's own characters, and an IN no row can meet."""
    responded = Exists(InformationRequest.objects.filter(request=OuterRef("pk")))
    base = AuthorizationRequest.objects.exclude(status=Status.DRAFT).annotate(asked=responded)
    fields = ("id", "member_id", "unmet", "review_flags", "due_at", "htc__state", "asked")
    soon = timezone.now() + timedelta(days=30)
    return {
        "all": base.order_by("pk").values(*fields),
        "due before": base.filter(due_at__lt=soon).order_by("-pk").values(*fields),
        "like": base.filter(member_id__icontains="M-SEL-1").values(*fields),
        "like's characters": base.filter(member_id__icontains="100%_\\").values(*fields),
        "none": base.filter(pk__in=[]).values(*fields),
    }


def test_select_gives_the_rows_django_gives(submit, prescriber):
    _submitted(submit, prescriber, ["M-SEL-1", "M-SEL-2", "M-SEL-10"])
    for name, queryset in _querysets().items():
        names, rows = prepared.select(queryset)
        assert [dict(zip(names, row, strict=True)) for row in rows] == list(queryset), name
    names, rows = prepared.select(_querysets()["like"])
    assert sorted(dict(zip(names, r, strict=True))["member_id"] for r in rows) == [
        "M-SEL-1", "M-SEL-10"]
    assert isinstance(dict(zip(names, rows[0], strict=True))["unmet"], list)  # JSON, decoded


def test_count_stops_past_the_cap(submit, prescriber):
    _submitted(submit, prescriber, [f"M-CNT-{n}" for n in range(4)])
    requests = AuthorizationRequest.objects.exclude(status=Status.DRAFT).order_by("-pk")
    assert prepared.count(requests, 10) == 4
    assert prepared.count(requests, 2) == 3  # the cap and one more: "more than 2"
    assert prepared.count(requests.filter(pk__in=[]), 10) == 0


def test_the_queue_plans_its_rows_once_on_postgresql(reviewer_client, submit, prescriber):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's prepared statements")
    _submitted(submit, prescriber, ["M-PLAN-1", "M-PLAN-2"])
    # PostgreSQL plans a prepared statement's first five runs with their
    # values, then keeps a generic plan if it is no costlier. The queue's
    # order (CASE ... THEN 0 ELSE 1, indexed as request_queue_order) with its
    # numbers as parameters could not use the index: it was planned each time.
    for _ in range(7):
        assert reviewer_client.get(CHANGELIST).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans FROM pg_prepared_statements "
                       "WHERE statement LIKE %s", ['%AS "htc__state"%'])
        statements = cursor.fetchall()
    # The test client's requests share this connection (one thread).
    assert len(statements) == 1
    statement, generic_plans = statements[0]
    assert generic_plans >= 1 and "$1" not in statement and "'pending_review'" in statement


def test_a_search_for_likes_own_characters_finds_only_what_it_says(reviewer_client, submit,
                                                                   prescriber):
    _submitted(submit, prescriber, ["M-PCT-100", "M-PCT-1000"])
    for term, found in (("M-PCT-100", 2), ("M-PCT-100%", 0), ("M-PCT_100", 0)):
        html = reviewer_client.get(CHANGELIST, {"q": term}).content.decode()
        assert html.count('<td class="field-number_link">') == found, term


def test_the_queue_loads_none_of_the_admins_form_scripts(reviewer_client):
    # No bulk actions, pop-ups or slugs: of the admin's scripts, only the
    # filters' and the theme's.
    html = reviewer_client.get(CHANGELIST).content.decode()
    assert "jquery" not in html and "admin/js/actions" not in html
    assert "RelatedObjectLookups" not in html
    assert "admin/js/filters" in html and "admin/js/theme" in html


def test_the_queues_base_queryset_is_built_once_and_never_run(reviewer_client, submit,
                                                              prescriber):
    _submitted(submit, prescriber, ["M-BASE-1"])
    first = queue.queue_queryset()
    assert reviewer_client.get(CHANGELIST).status_code == 200
    # Each call a clone of the one base, whose results are never kept: a
    # new request is listed on the next view.
    assert queue.queue_queryset() is not first
    assert queue._queue_base()._result_cache is None
    _submitted(submit, prescriber, ["M-BASE-2"])
    assert "M-BASE-2" in reviewer_client.get(CHANGELIST).content.decode()
