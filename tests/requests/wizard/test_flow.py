"""The wizard end to end through the test client: approved and not-met paths,
back navigation, drafts, double submit."""

import json
from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from authorizations import policy
from authorizations.models import Authorization, AuthorizationRequest, Determination, Status
from tests.cases import iso
from tests.factories import approvable_case
from tests.walker import Walker, login, step_post_data

pytestmark = pytest.mark.django_db

ALL_STEPS = ["patient", "diagnosis", "prophylaxis", "inhibitors", "aav5", "liver", "viral",
             "gene_therapy", "dosing", "administration", "attestations"]


def test_approved_request_is_approved_with_an_authorization(walker, case):
    assert walker.walk_to("review", case) == ALL_STEPS
    assert b"All criteria are met" in walker.page.content
    response = walker.submit_step(case)
    req = walker.request()
    assert response.url == f"/requests/{req.pk}/"
    assert req.status == Status.APPROVED
    auth = Authorization.objects.get(request=req)
    page = walker.page.content.decode()
    assert auth.number in page
    assert "Valid from" in page
    assert "Met" in page
    # What was saved is exactly the case, as the data dictionary spells it.
    assert policy.validate(req.answers, as_of=date.today()) == \
        policy.validate(case, as_of=date.today())


def test_not_met_request_goes_to_review_with_reasons(walker):
    case = approvable_case(hbsag="positive", attest_alcohol_counseling=False)
    walker.walk_to("review", case)
    assert b"2 criteria are not met" in walker.page.content
    walker.submit_step(case)
    req = walker.request()
    assert req.status == Status.PENDING_REVIEW
    assert req.unmet == ["alcohol_counseling_attestation", "hepatitis_b"]
    page = walker.page.content.decode()
    assert "Sent to clinical review" in page
    assert "HBsAg positive" in page
    assert not Authorization.objects.filter(request=req).exists()


def test_export_returns_exactly_the_documented_shape(walker, case, prescriber_client):
    walker.walk_to("review", case)
    walker.submit_step(case)
    req = walker.request()
    data = json.loads(prescriber_client.get(f"/requests/{req.pk}/export.json").content)
    # Data dictionary, section 5.
    assert set(data) == {"request", "status", "submitted_at", "policy", "answers", "outcome",
                         "unmet", "review_flags", "decision", "authorization", "infusion",
                         "follow_ups", "appeals"}
    assert data["infusion"] is None and data["follow_ups"] == [] and data["appeals"] == []
    assert data["request"] == req.number
    assert data["review_flags"] == []
    assert data["decision"]["kind"] == "system" and data["decision"]["rationale"] == ""
    assert data["outcome"] == "meets_criteria"
    assert data["unmet"] == []
    assert data["status"] == "approved"
    assert data["policy"] == "2026D0120K"
    auth = Authorization.objects.get(request=req)
    assert data["authorization"] == {"number": auth.number, "start": auth.start_date.isoformat(),
                                     "end": auth.end_date.isoformat(), "status": "active"}
    assert set(data["answers"]) <= set(policy.ANSWER_KEYS)


def test_export_of_a_pending_request_has_no_authorization(walker):
    case = approvable_case(liver_imaging="none")
    walker.walk_to("review", case)
    walker.submit_step(case)
    data = json.loads(walker.client.get(f"/requests/{walker.pk}/export.json").content)
    assert data["authorization"] is None
    assert data["unmet"] == ["liver_health"]


def test_double_submit_gives_one_request_and_one_determination(walker, case):
    walker.walk_to("review", case)
    data = step_post_data("review", case, prefix=walker.prefix)
    first = walker.post(data)
    second = walker.post(data)
    assert first.status_code == second.status_code == 302
    assert second.url == first.url == f"/requests/{walker.pk}/"
    assert AuthorizationRequest.objects.count() == 1
    assert Determination.objects.count() == 1


def test_the_request_row_is_created_at_the_first_step(walker, case):
    assert AuthorizationRequest.objects.count() == 0
    walker.submit_step(case)
    req = walker.request()
    assert req.status == Status.DRAFT
    assert req.answers["member_id"] == case["member_id"]
    assert req.patient_name == "Ada Quinlan"
    assert walker.step == "diagnosis"


def test_back_keeps_every_answer(walker, case):
    walker.walk_to("prophylaxis", case)
    # Back from prophylaxis, with this step's answers typed: they are kept too.
    data = {**step_post_data("prophylaxis", case, prefix=walker.prefix),
            "wizard_goto_step": "diagnosis"}
    response = walker.post(data)
    assert response.status_code == 302
    walker.follow(response.url)
    assert walker.step == "diagnosis"
    form = walker.page.context["wizard"]["form"]
    assert form["severity"].value() == "severe"
    assert form["fix_activity_percent"].value() == "0.5"
    walker.submit_step(case)
    assert walker.step == "prophylaxis"
    assert walker.page.context["wizard"]["form"]["fix_exposure_days"].value() == "150"


def test_changing_an_earlier_answer_drops_the_hidden_later_answers(walker):
    case = approvable_case(severity="moderately_severe", fix_activity_percent=1.5,
                           life_threatening_hemorrhage=True,
                           repeated_serious_spontaneous_bleeding=False)
    walker.walk_to("viral", case)
    assert walker.request().answers["life_threatening_hemorrhage"] is True
    walker.follow(f"/requests/{walker.pk}/edit/diagnosis/")
    walker.submit_step(approvable_case())  # severe, 0.5%
    answers = walker.request().answers
    assert "life_threatening_hemorrhage" not in answers
    assert "repeated_serious_spontaneous_bleeding" not in answers
    assert walker.step == "prophylaxis"


def test_draft_resumes_after_logout(walker, case, client, prescriber):
    walker.walk_to("liver", case)
    pk = walker.pk
    client.post("/accounts/logout/")
    assert client.get("/requests/").status_code == 302
    login(client, prescriber)
    dashboard = client.get("/requests/").content.decode()
    assert f"PA-{pk:07d}" in dashboard
    assert "Ada Quinlan" in dashboard
    response = client.get(f"/requests/{pk}/edit/")
    assert response.url == f"/requests/{pk}/edit/liver/"
    page = client.get(f"/requests/{pk}/edit/aav5/")
    form = page.context["wizard"]["form"]
    assert form["aav5_nab_titer"].value() == "57"
    assert form["aav5_nab_evaluated"].value() == "yes"


def test_a_fresh_session_can_submit_a_saved_draft(walker, case, client, prescriber):
    walker.walk_to("review", case)
    pk = walker.pk
    client.logout()
    login(client, prescriber)
    response = client.post(f"/requests/{pk}/edit/review/",
                           step_post_data("review", case, prefix=f"request_{pk}"))
    assert response.url == f"/requests/{pk}/"
    assert AuthorizationRequest.objects.get(pk=pk).status == Status.APPROVED


def test_submitting_with_a_step_missing_returns_to_that_step(prescriber_client, prescriber, case):
    walker_pk = None
    from tests.walker import Walker

    w = Walker(prescriber_client)
    w.walk_to("prophylaxis", case)
    walker_pk = w.pk
    response = prescriber_client.post(
        f"/requests/{walker_pk}/edit/review/",
        step_post_data("review", case, prefix=f"request_{walker_pk}"))
    assert response.status_code == 302
    assert response.url == f"/requests/{walker_pk}/edit/prophylaxis/"
    assert AuthorizationRequest.objects.get(pk=walker_pk).status == Status.DRAFT


def test_a_step_gone_stale_since_it_was_saved_is_shown_with_its_error(walker, prescriber):
    """The infusion was planned for tomorrow; the review is posted three days
    later: the administration step is shown again with the date's error, the
    review's answer is kept, and nothing is submitted."""
    case = approvable_case(hbsag="positive", planned_infusion_date=iso(1))
    walker.walk_to("review", case)
    reason = {"review-expedited": "yes", "review-expedited_reason": "Surgery planned soon"}
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        walker.client.force_login(prescriber)  # the idle logoff ran meanwhile
        response = walker.post({**step_post_data("review", case, prefix=walker.prefix),
                                **reason})
        assert response.url == f"/requests/{walker.pk}/edit/administration/"
        page = walker.client.get(response.url).content.decode()
    assert "The planned infusion date must be today or later" in page
    req = walker.request()
    assert req.status == Status.DRAFT and not Determination.objects.exists()
    assert (req.expedited, req.expedited_reason) == (True, "Surgery planned soon")


def test_submitting_with_a_step_missing_keeps_the_reviews_answer(walker, case):
    walker.walk_to("review", case)
    req = walker.request()
    req.answers = {k: v for k, v in req.answers.items() if k != "liver_imaging"}
    AuthorizationRequest.objects.filter(pk=req.pk).update(answers=req.answers)
    response = walker.post({**step_post_data("review", case, prefix=walker.prefix),
                            "review-expedited": "yes", "review-expedited_reason": "Surgery"})
    assert response.url == f"/requests/{walker.pk}/edit/liver/"
    assert (walker.request().status, walker.request().expedited) == (Status.DRAFT, True)


def test_save_and_come_back_later_goes_to_the_dashboard(walker, case):
    walker.submit_step(case)
    data = {**step_post_data("diagnosis", case, prefix=walker.prefix), "save_and_exit": "1"}
    response = walker.post(data)
    assert response.url == "/requests/"
    assert walker.request().answers["severity"] == "severe"
    assert walker.request().wizard_step == "diagnosis"


def test_discard_asks_then_deletes_on_post(walker, case):
    walker.submit_step(case)
    pk = walker.pk
    confirm = walker.client.get(f"/requests/{pk}/discard/")
    assert b"Yes, discard this draft" in confirm.content
    assert AuthorizationRequest.objects.filter(pk=pk).exists()
    response = walker.client.post(f"/requests/{pk}/discard/")
    assert response.url == "/requests/"
    assert not AuthorizationRequest.objects.filter(pk=pk).exists()


def test_expedited_review_is_recorded_with_its_reason(walker):
    case = approvable_case(hbsag="positive")
    walker.walk_to("review", case)
    walker.submit_step(case, **{"review-expedited": "yes",
                                "review-expedited_reason": "Surgery planned next week"})
    req = walker.request()
    assert req.expedited is True
    assert req.expedited_reason == "Surgery planned next week"
    assert (req.due_at - req.submitted_at).total_seconds() == 72 * 3600


@pytest.mark.parametrize("answer", [
    {"review-expedited": "no"},
    {"review-expedited": "yes", "review-expedited_reason": "Surgery planned next week"},
])
def test_an_expedited_answer_on_a_page_gone_stale_is_read_as_the_request_now_stands(
        prescriber_client, answer):
    """The review asked about an expedited review (the reports were missing);
    they were attached before the page was submitted: the request is approved
    at once, and is not recorded as expedited, whatever the page answered."""
    walker = Walker(prescriber_client, reports=False)
    case = approvable_case()
    walker.walk_to("review", case)
    assert "expedited" in walker.page.context["wizard"]["form"].fields
    walker.attach_reports()
    walker.submit_step(case, **answer)
    req = walker.request()
    assert req.status == Status.APPROVED
    assert "Valid from" in walker.page.content.decode()
    assert (req.expedited, req.expedited_reason) == (False, "")


def test_expedited_yes_needs_a_reason(walker):
    case = approvable_case(hbsag="positive")
    walker.walk_to("review", case)
    response = walker.post({**step_post_data("review", case, prefix=walker.prefix),
                            "review-expedited": "yes"})
    assert response.status_code == 200
    assert "Enter why an expedited review is needed" in response.content.decode()


def test_change_from_the_review_returns_to_the_review(walker, case):
    walker.walk_to("review", case)
    page = walker.page.content.decode()
    assert f'href="/requests/{walker.pk}/edit/liver/?change"' in page
    walker.follow(f"/requests/{walker.pk}/edit/liver/?change")
    assert b"Save and return to the review" in walker.page.content
    walker.submit_step({**case, "liver_imaging": "ultrasound"})
    assert walker.step == "review"
    assert walker.request().answers["liver_imaging"] == "ultrasound"


def test_a_change_that_asks_a_new_step_goes_there_before_the_review(walker):
    case = approvable_case()
    walker.walk_to("review", case)
    walker.follow(f"/requests/{walker.pk}/edit/diagnosis/?change")
    changed = approvable_case(severity="moderately_severe", fix_activity_percent=1.5,
                              life_threatening_hemorrhage=True,
                              repeated_serious_spontaneous_bleeding=False)
    walker.submit_step(changed)
    assert walker.step == "bleeding"
    walker.submit_step(changed)
    assert walker.step == "review"
    assert b"All criteria are met" in walker.page.content


def test_review_lists_the_unmet_criteria_first(walker):
    case = approvable_case(liver_imaging="none")
    walker.walk_to("review", case)
    html = walker.page.content.decode()
    assert '<a href="#criterion-liver_health">Liver health</a>' in html
    assert 'id="criterion-liver_health"' in html


def test_expired_form_page_explains_and_keeps_the_draft(prescriber, walker, case):
    from django.test import Client

    walker.submit_step(case)
    strict = login(Client(enforce_csrf_checks=True), prescriber)
    response = strict.post(f"/requests/{walker.pk}/edit/diagnosis/", {})
    assert response.status_code == 403
    assert b"Your page expired" in response.content
    assert walker.request().answers["member_id"] == case["member_id"]


def test_a_new_request_always_starts_with_the_patient(walker, case):
    data = step_post_data("review", case, prefix="request_new")
    response = walker.post(data)
    assert response.url == "/requests/new/"
    assert AuthorizationRequest.objects.count() == 0


def test_a_submit_racing_another_shows_the_one_result(walker, case, monkeypatch):
    """The second click passed the draft check before the first committed."""
    from authorizations.requests.services import request_submit
    from authorizations.requests.wizard import views

    walker.walk_to("review", case)
    req = walker.request()

    def submitted_meanwhile(**kwargs):
        request_submit(by=kwargs["by"], req=req)
        return request_submit(**kwargs)

    monkeypatch.setattr(views, "request_submit", submitted_meanwhile)
    response = walker.post(step_post_data("review", case, prefix=walker.prefix))
    assert response.url == f"/requests/{req.pk}/"
    assert Determination.objects.count() == 1
    page = walker.client.get(response.url).content.decode()
    assert f"{req.number} was already submitted." in page


def test_dashboard_lists_drafts_and_submitted_requests_with_status(walker, case,
                                                                   prescriber_client):
    walker.walk_to("review", case)
    walker.submit_step(case)
    submitted = walker.pk
    from tests.walker import Walker

    draft = Walker(prescriber_client)
    draft.submit_step(approvable_case(patient_first_name="Bea", member_id="M-2"))
    html = prescriber_client.get("/requests/").content.decode()
    assert f'href="/requests/{draft.pk}/edit/"' in html
    assert f'href="/requests/{draft.pk}/discard/"' in html
    assert f'href="/requests/{submitted}/"' in html
    assert "Bea Quinlan" in html
    assert '<span class="status status--approved">Approved</span>' in html
