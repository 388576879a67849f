"""The request page's repeated rows are written in Python (core/markup.Rows,
issue 20, speed): each writer prints what the template loop it replaced
printed, white space aside, escaping included. The loops are kept here as
they were in the templates."""

import re
from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from authorizations.core.markup import Rows
from authorizations.documents.selectors import admin_document_rows
from authorizations.documents.services import document_add
from authorizations.review import timeline
from authorizations.review.admin.conversation import _version_rows
from authorizations.review.admin.display import answer_groups
from authorizations.review.conversation import document_received
from authorizations.review.evidence import criteria_rows
from authorizations.review.selectors import AnswerChange, VersionRow
from tests.cases import days
from tests.files import pdf_bytes, upload

pytestmark = pytest.mark.django_db

DOCUMENTS = """{% for doc in documents %}
      <tr>
        <td><a href="{{ doc.url }}">{{ doc.name }}</a> ({{ doc.type }})</td>
        <td>{{ doc.kind }}</td>
        <td>{% if doc.criterion %}<code>{{ doc.criterion }}</code> {{ doc.criterion_name }}{% else %}-{% endif %}</td>
        <td>{{ doc.size|filesizeformat }}</td>
        <td>{{ doc.uploaded_at }}{% if doc.received %}<br>{{ doc.received }}{% endif %}</td>
        <td>{{ doc.uploaded_by }}</td>
      </tr>
{% endfor %}"""  # noqa: E501

CRITERIA = """{% for row in criteria %}
      <tr class="criterion-{{ row.status }}">
        <td><strong>{{ row.name }}</strong> <code>{{ row.id }}</code><div class="policy-words">{{ row.text }}</div></td>
        <td class="criterion-status">{{ row.status_label }}<div class="review-reason">{{ row.reason }}</div></td>
        <td>{% for a in row.answers %}<div>{{ a.label }}: <strong>{{ a.value }}</strong>{% if a.origin %} <span class="review-badge answer-origin">{{ a.origin }}</span>{% endif %}{% if a.tested %}<br><small>tested {{ a.tested }}, {{ a.age }}</small>{% endif %}</div>{% empty %}-{% endfor %}</td>
        <td>{% for doc in row.documents %}<details class="review-document">
          <summary>{{ doc.kind }} <small>({{ doc.name }})</small></summary>
          <img src="{{ doc.image_url }}" loading="lazy" alt="First page of {{ doc.kind }}, {{ doc.name }}" width="600">
          <p><a href="{{ doc.viewer_url }}">Every page of {{ doc.name }}</a></p>
        </details>{% empty %}-{% endfor %}</td>
      </tr>
{% endfor %}"""  # noqa: E501

EVENTS = """{% for row in rows %}
      <tr><td>{{ row.at|page_datetime }}</td><td>{{ row.what }}</td><td>{{ row.who }}</td></tr>
{% endfor %}"""

VERSIONS = """{% for v in answer_versions %}
      <tr><td>{{ v.number }}</td><td>{{ v.at|page_datetime }}</td><td>{{ v.who }}</td><td>{{ v.reason|capfirst }}</td>
        <td>{% for c in v.changes %}<strong>{{ c.label }}</strong>: {{ c.old }} → {{ c.new }}{% if not forloop.last %}<br>{% endif %}{% empty %}{% if v.number == 1 %}As submitted{% else %}-{% endif %}{% endfor %}</td></tr>
{% endfor %}"""  # noqa: E501

ANSWERS = """{% for group in answer_groups %}
  <h3>{{ group.title }}</h3>
  {% if group.rows %}
  <table>
    {% for row in group.rows %}
    <tr><th>{{ row.label }}</th><td>{{ row.value }}{% if row.origin %} <span class="review-badge answer-origin">{{ row.origin }}</span>{% endif %}</td></tr>
    {% endfor %}
  </table>
  {% else %}
  <p class="help">Not asked for this case.</p>
  {% endif %}
{% endfor %}"""  # noqa: E501


def same(template: str, name: str, rows: Rows) -> None:
    """The loop's output and the rows' own, white space aside (as the page
    compares them: bench/page_html.py)."""
    def squeeze(html: str) -> str:
        return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()

    assert isinstance(rows, Rows) and len(rows) > 0
    expected = Template(template).render(Context({name: rows}))
    assert squeeze(rows.html) == squeeze(expected)


@pytest.fixture
def documented(pending, prescriber, reviewer):
    # Names and criteria that need escaping, a fax, and a document for no criterion.
    document_add(by=prescriber, req=pending, kind="clinic_note",
                 criterion="alcohol_counseling_attestation",
                 upload=upload("O'Brien & <Sons>.pdf", pdf_bytes(), "application/pdf"))
    document_received(by=reviewer, req=pending, kind="factor_ix_lab",
                      criterion="severity",
                      upload=upload("fax \"1\".pdf", pdf_bytes(), "application/pdf"),
                      received_by="fax", received_on=days(-1))
    document_add(by=prescriber, req=pending, kind="clinic_note", criterion="",
                 upload=upload("plain.pdf", pdf_bytes(pages=2), "application/pdf"))
    return pending


@pytest.mark.parametrize("zone", ["America/New_York", "Pacific/Honolulu"])
def test_each_table_prints_what_its_loop_printed(documented, zone):
    with timezone.override(zone):
        documents = admin_document_rows(documented)
        same(DOCUMENTS, "documents", documents)
        determination = documented.determinations.order_by("id").last()
        criteria = criteria_rows(determination, documented, documents)
        assert any(row["documents"] for row in criteria) and any(
            row["answers"] for row in criteria)
        same(CRITERIA, "criteria", criteria)
        same(EVENTS, "rows", timeline.timeline_page(documented, 1)["rows"])
        same(ANSWERS, "answer_groups", answer_groups(documented))


def test_the_versions_print_what_their_loop_printed():
    at = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # the night the clocks fall back, in New York
    versions = Rows([
        VersionRow(1, "submitted", at, "Dana <Whitfield>"),
        VersionRow(2, "response to a request for information", at, "O'Brien & Co", [
            AnswerChange("weight_kg", "Weight <kg>", "70 & more", "72"),
            AnswerChange("hbsag", "HBsAg", "Not asked", "negative")]),
        VersionRow(3, "", at, "System"),
    ], _version_rows)
    with timezone.override("America/New_York"):
        same(VERSIONS, "answer_versions", versions)


ADMIN_FIELDSETS = """{% for fieldset in adminform %}
  {% include "admin/includes/fieldset.html" with heading_level=2 prefix="fieldset" id_prefix=0 id_suffix=forloop.counter0 %}
{% endfor %}"""  # noqa: E501 (the admin's change_form.html, block field_sets)


def test_the_record_prints_what_the_admins_fieldsets_printed(reviewer_client, documented):
    from django.urls import reverse

    from authorizations.review.admin.display import record_fieldsets

    response = reviewer_client.get(reverse("admin:authorizations_authorizationrequest_change",
                                           args=[documented.pk]))
    adminform = response.context["adminform"]
    ours = record_fieldsets(adminform)
    assert ours is not None and "Hours waiting" in ours
    same_html = Template(ADMIN_FIELDSETS).render(Context({"adminform": adminform}))

    def squeeze(html: str) -> str:
        return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()

    assert squeeze(ours) == squeeze(same_html)


def test_the_members_other_requests_are_read_as_the_orm_read_them(reviewer_client, prescriber,
                                                                   submit):
    from django.urls import reverse

    from authorizations.requests.selectors import authorization_or_none, member_history
    from tests.cases import approvable_case

    approved = submit(prescriber, approvable_case(member_id="M-HIST-1"))
    pended = submit(prescriber, approvable_case(member_id="M-HIST-1", hbsag="positive"))
    latest = submit(prescriber, approvable_case(member_id="M-HIST-1", hbsag="positive"))
    assert authorization_or_none(approved) is not None and approved.member_key
    # What the page read through the ORM before (one query, compiled now).
    others = (type(latest).objects.filter(member_key=latest.member_key).exclude(pk=latest.pk)
              .exclude(status="draft").select_related("authorization").order_by("-submitted_at"))
    expected = [(o.pk, o.number, o.get_status_display(), o.submitted_at,
                 authorization_or_none(o).number if authorization_or_none(o) else "",
                 authorization_or_none(o).get_status_display() if authorization_or_none(o)
                 else "") for o in others]
    records = member_history(latest)
    assert [(r.request.pk, r.request.number, r.request.get_status_display(),
             r.request.submitted_at, r.authorization_number, r.authorization_state)
            for r in records] == expected
    assert {r.request.pk for r in records} == {approved.pk, pended.pk}
    html = reviewer_client.get(reverse("admin:authorizations_authorizationrequest_change",
                                       args=[latest.pk])).content.decode()
    for number, auth in [(e[1], e[4]) for e in expected]:
        assert number in html and (not auth or f"{auth} (Active)" in html)


def test_the_determinations_and_letters_are_read_as_the_orm_read_them(
        quick_letters, submit, prescriber, reviewer, django_capture_on_commit_callbacks):
    from authorizations.requests.services import request_decide
    from authorizations.review.selectors import determinations_with_letters
    from tests.cases import approvable_case

    req = submit(prescriber, approvable_case(member_id="M-LETTERS", hbsag="positive"))
    with django_capture_on_commit_callbacks(execute=True):
        request_decide(by=reviewer, req=req, approve=False, rationale="HBsAg <positive>.")

    def described(d, letter):
        return ([getattr(d, f.attname) for f in d._meta.concrete_fields],
                letter and (letter.pk, letter.kind, letter.get_kind_display(), letter.sha256,
                            letter.created_at))

    ours = [described(d, letter) for d, letter in determinations_with_letters(req)]
    orm = [described(d, getattr(d, "letter", None))
           for d in req.determinations.select_related("letter").order_by("id")]
    assert ours == orm and len(ours) >= 2 and any(letter for _, letter in ours)
