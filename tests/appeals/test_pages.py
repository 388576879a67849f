"""The prescriber's appeal page and the request page; the admin's appeals
queue and decision page."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from authorizations.models import Appeal, AuditEvent, Status
from authorizations.policy.values import long_date
from authorizations.requests.services import request_decide
from tests.factories import approvable_case, login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick_letters(quick_letters):
    """Letters without WeasyPrint here: tests/appeals/test_letters.py reads them."""


def test_the_denied_requests_page_offers_the_appeal_until_its_deadline(client, prescriber,
                                                                       denied):
    page = login(client, prescriber).get(f"/requests/{denied.pk}/").content.decode()
    # 180 days from the notice's receipt: its day plus the 5 days' mailing allowance.
    deadline = long_date(timezone.localdate() + timedelta(days=185))
    assert "Appeal this decision" in page and f"until {deadline}" in page
    assert f'href="/requests/{denied.pk}/appeal/"' in page


def test_the_appeal_page_shows_the_denials_reasons_deadline_and_documents_link(
        client, prescriber, denied):
    page = login(client, prescriber).get(f"/requests/{denied.pk}/appeal/").content.decode()
    assert "The reasons for the denial" in page
    assert "Counseling on alcohol is not documented." in page
    assert long_date(timezone.localdate() + timedelta(days=185)) in page
    assert f"/requests/{denied.pk}/documents/?next=/requests/{denied.pk}/appeal/" in page


def test_a_missing_statement_and_attestation_are_named_and_what_was_typed_is_kept(
        client, prescriber, denied):
    response = login(client, prescriber).post(f"/requests/{denied.pk}/appeal/", {
        "statement": "", "expedited": "on", "expedited_reason": "Surgery on Monday"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter why the denial should be overturned" in page
    assert "Confirm that you act as the member&#x27;s authorized representative" in page
    assert "Surgery on Monday" in page
    assert not Appeal.objects.exists()


def test_filing_shows_the_appeal_its_due_date_and_state_on_the_request_page(
        client, prescriber, denied, settings):
    settings.REVIEW_QUEUE_EMAIL = "queue@payer.example"
    with_client = login(client, prescriber)
    response = with_client.post(f"/requests/{denied.pk}/appeal/", {
        "statement": "The clinic note of October 20 records the counseling.",
        "representative": "on"}, follow=True)
    appeal = Appeal.objects.get()
    page = response.content.decode()
    assert "Your appeal of" in page and "was filed" in page
    assert "30 days (standard)" in page and "Open: awaiting decision" in page
    assert long_date(timezone.localdate(appeal.due_at)) in page
    assert "Appeal this decision" not in page
    assert "Appealed: standard" in page  # the timeline


def test_an_appeal_email_to_the_queue_and_the_decision_email_carry_no_patient_data(
        prescriber, denied, file_appeal, decide_appeal, second_reviewer, settings):
    settings.REVIEW_QUEUE_EMAIL = "queue@payer.example"
    mail.outbox.clear()
    appeal = file_appeal(denied)
    decide_appeal(appeal, second_reviewer, overturn=False)
    assert [m.to for m in mail.outbox] == [["queue@payer.example"],
                                           ["prescriber@htc.example"]]
    assert "/admin/authorizations/appeal/" in mail.outbox[0].body
    assert f"/requests/{denied.pk}/" in mail.outbox[1].body
    for message in mail.outbox:
        text = message.subject + message.body
        assert denied.number in text
        for phi in ("Ada", "Quinlan", "M-APPEAL-1", "1985", "April", "Counseling"):
            assert phi not in text


def test_an_approved_request_cannot_be_appealed(client, prescriber, submit):
    approved = submit(prescriber, approvable_case(member_id="M-OK"))
    response = login(client, prescriber).get(f"/requests/{approved.pk}/appeal/", follow=True)
    assert "cannot be appealed" in response.content.decode()
    assert "Appeal this decision" not in response.content.decode()


def test_the_appeals_queue_lists_open_appeals_overdue_first(client, reviewer, prescriber,
                                                            submit, denied, file_appeal,
                                                            monkeypatch):
    standard = file_appeal(denied)
    other = submit(prescriber, approvable_case(member_id="M-APPEAL-2",
                                               attest_alcohol_counseling=False))
    request_decide(by=reviewer, req=other, approve=False, rationale="No.")
    expedited = file_appeal(other, expedited=True)
    assert expedited.due_at < standard.due_at
    # Four days on, the queue as the reviewer sees it: the expedited appeal is overdue.
    from types import SimpleNamespace

    from authorizations.appeals import admin as appeal_admin

    later = timezone.now() + timedelta(days=4)
    monkeypatch.setattr(appeal_admin, "timezone", SimpleNamespace(now=lambda: later))
    page = login(client, reviewer).get("/admin/authorizations/appeal/").content.decode()
    assert "Appeals for decision" in page and "72 hours (expedited)" in page
    first, second = (page.index(f"Appeal of {r.number}") for r in (other, denied))
    # The days left (issue 20): the expedited appeal is a day late.
    assert first < page.index('class="review-overdue">1 day late') < second
    assert page.count('class="review-overdue"') == 1


def test_the_reviewer_who_denied_is_refused_the_decision_with_a_clear_message(
        client, reviewer, denied, file_appeal):
    appeal = file_appeal(denied)
    url = f"/admin/authorizations/appeal/{appeal.pk}/decide/"
    page = login(client, reviewer).get(url).content.decode()
    assert "You denied" in page and "a reviewer other than the one who denied" in page
    assert "Uphold the denial" not in page and "Overturn: approve" not in page
    response = client.post(url, {"decision": "overturn", "rationale": "Fine."})
    assert response.status_code == 400 and "Nothing was decided: You denied" in \
        response.content.decode()
    appeal.refresh_from_db()
    assert appeal.is_open


def test_a_second_reviewer_upholds_the_denial_from_the_decision_page(
        client, second_reviewer, denied, file_appeal):
    appeal = file_appeal(denied)
    url = f"/admin/authorizations/appeal/{appeal.pk}/decide/"
    page = login(client, second_reviewer).get(url).content.decode()
    assert "Counseling was given on 2026-10-20." in page and "Uphold the denial" in page
    assert AuditEvent.objects.filter(action="view", actor_id=second_reviewer.pk).exists()
    # First the letter's reasons, to confirm; nothing is decided yet.
    form = {"decision": "uphold", "rationale": "Not documented.", "reasons": denied.unmet,
            "other_reason": "No counseling date."}
    response = client.post(url, form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Confirm: uphold the denial of " + denied.number in page
    assert "Alcohol counseling attestation" in page and "No counseling date." in page
    appeal.refresh_from_db()
    assert appeal.is_open
    response = client.post(url, {**form, "confirm": "yes"}, follow=True)
    page = response.content.decode()
    assert "is decided: denial upheld" in page
    appeal.refresh_from_db()
    denied.refresh_from_db()
    assert appeal.outcome == "upheld" and denied.status == Status.DENIED


def test_upholding_without_a_rationale_names_the_field_and_keeps_the_input(
        client, second_reviewer, denied, file_appeal):
    appeal = file_appeal(denied)
    response = login(client, second_reviewer).post(
        f"/admin/authorizations/appeal/{appeal.pk}/decide/",
        {"decision": "uphold", "other_reason": "My own reason", "rationale": ""})
    page = response.content.decode()
    assert response.status_code == 400 and "Clinical rationale: This field is required." in page
    assert "My own reason" in page
    appeal.refresh_from_db()
    assert appeal.is_open


def test_the_timeline_shows_the_appeal_and_its_decision(
        client, prescriber, denied, file_appeal, decide_appeal, second_reviewer):
    appeal = file_appeal(denied, expedited=True)
    decide_appeal(appeal, second_reviewer, overturn=True)
    page = login(client, prescriber).get(f"/requests/{denied.pk}/").content.decode()
    assert "Appealed: expedited (72 hours)" in page
    assert "Appeal decided: denial overturned: approved" in page
    # Past the unmet attestation, under two keys: the event is the second key's
    # (decide_appeal's third reviewer, by name), as a first approval's is.
    assert "Rita Reviewer" in page and "third-key" not in page


def test_the_reviewers_request_page_links_to_its_open_appeal(client, reviewer, denied,
                                                             file_appeal):
    appeal = file_appeal(denied, expedited=True)
    page = login(client, reviewer).get(
        f"/admin/authorizations/authorizationrequest/{denied.pk}/change/").content.decode()
    assert "72 hours (expedited): open: awaiting decision, due" in page
    assert f'href="/admin/authorizations/appeal/{appeal.pk}/decide/"' in page


def test_the_dashboard_says_a_denial_is_under_appeal(client, prescriber, denied, file_appeal):
    dashboard = login(client, prescriber).get("/requests/").content.decode()
    assert "(appeal open)" not in dashboard
    file_appeal(denied)
    assert "Denied</span> (appeal open)" in client.get("/requests/").content.decode()


def test_the_admin_home_counts_open_appeals_and_the_overdue(client, reviewer, denied,
                                                            file_appeal):
    import re

    from django.utils.html import strip_tags

    def home() -> str:
        page = login(client, reviewer).get("/admin/").content.decode()
        return re.sub(r"\s+", " ", strip_tags(page.replace("<", " <")))

    assert "Appeals to decide 0 none overdue" in home()
    appeal = file_appeal(denied)
    assert "Appeals to decide 1 none overdue" in home()
    assert 'href="/admin/authorizations/appeal/?state=open"' in login(
        client, reviewer).get("/admin/").content.decode()
    # A filed appeal never changes (a trigger), so the clock moves instead.
    from authorizations.review import selectors as review_selectors

    later = appeal.due_at + timedelta(minutes=1)
    assert review_selectors.appeal_counts(later) == {"open": 1, "overdue": 1}
    item = review_selectors.work_items(later)[0]
    assert (item.label, item.count) == ("Appeals to decide", 1)
    assert item.note.startswith("1 overdue")


def test_the_export_lists_the_appeal_open_then_decided(client, prescriber, denied, file_appeal,
                                                       decide_appeal, second_reviewer):
    appeal = file_appeal(denied, expedited=True)
    export = login(client, prescriber).get(f"/requests/{denied.pk}/export.json").json()
    assert export["appeals"] == [{"filed_at": appeal.filed_at.isoformat(), "expedited": True,
                                  "due_at": appeal.due_at.isoformat(), "outcome": None,
                                  "decided_at": None}]
    decide_appeal(appeal, second_reviewer, overturn=True)
    export = client.get(f"/requests/{denied.pk}/export.json").json()
    assert export["status"] == "approved" and export["authorization"]["status"] == "active"
    assert export["appeals"][0]["outcome"] == "overturned"
    assert export["appeals"][0]["decided_at"] is not None
