"""Entry that never loses work (issue 19): "Save and come back later" and
Back keep an unfinished step as typed, unparsed until the step is completed;
what cannot be kept (NUL, control characters, too long) is refused with a
message naming the field and the page keeps what was typed."""

import pytest

from authorizations.models import AuditEvent, AuthorizationRequest, Status
from tests.factories import approvable_case
from tests.walker import step_post_data

pytestmark = pytest.mark.django_db


def half_typed_diagnosis(walker, **extra):
    """The diagnosis step with a half-typed result and the severity not chosen."""
    prefix = walker.prefix
    return {f"{prefix}-current_step": "diagnosis", "diagnosis-diagnosis": "hemophilia_b",
            "diagnosis-fix_activity_percent": "1e30", "diagnosis-fix_activity_unit": "percent",
            **extra}


def test_save_and_come_back_later_keeps_an_unfinished_step_as_typed(walker, case):
    walker.submit_step(case)  # the patient; now on the diagnosis
    saved_answers = walker.request().answers
    response = walker.post(half_typed_diagnosis(walker, save_and_exit="1"))
    assert response.url == "/requests/"
    dashboard = walker.client.get("/requests/").content.decode()
    assert f"Your draft {walker.request().number} is saved." in dashboard
    assert "still to answer" in dashboard
    req = walker.request()
    assert req.answers == saved_answers  # nothing unchecked became an answer
    assert req.draft_typed == {"diagnosis": {"diagnosis": "hemophilia_b",
                                             "fix_activity_percent": "1e30",
                                             "fix_activity_unit": "percent"}}
    # Resuming opens the unfinished step, as typed, with what is still to answer.
    walker.follow(f"/requests/{walker.pk}/edit/")
    assert walker.url == f"/requests/{walker.pk}/edit/diagnosis/"
    page = walker.page.content.decode()
    assert walker.page.status_code == 200
    assert 'value="1e30"' in page
    assert "You saved this step before it was finished" in page
    assert "<li>Severity of hemophilia B</li>" in page
    assert "There is a problem" not in page  # shown, not yet checked
    assert "(not finished)" not in page  # this step is the current one
    # The review lists it as not finished; neither page breaks on it.
    review = walker.client.get(f"/requests/{walker.pk}/edit/review/")
    assert review.status_code == 200
    assert "(not finished)" in review.content.decode()
    assert walker.client.get("/requests/").status_code == 200


def test_completing_the_step_parses_it_and_drops_what_was_typed(walker, case):
    walker.submit_step(case)
    walker.post(half_typed_diagnosis(walker, save_and_exit="1"))
    walker.follow(f"/requests/{walker.pk}/edit/diagnosis/")
    # Continue with the half-typed value: now it is read, and refused by name.
    response = walker.post(half_typed_diagnosis(walker))
    assert response.status_code == 200
    assert "fix_activity_percent" in response.context["wizard"]["form"].errors
    walker.submit_step(case)
    req = walker.request()
    assert walker.step == "prophylaxis"
    assert req.draft_typed is None
    assert req.answers["severity"] == "severe"


def test_back_keeps_what_was_typed_even_when_it_is_not_valid(walker, case):
    walker.walk_to("prophylaxis", case)
    response = walker.post({f"{walker.prefix}-current_step": "prophylaxis",
                            "prophylaxis-fix_exposure_days": "15O",  # a typo
                            "wizard_goto_step": "diagnosis"})
    assert response.url == f"/requests/{walker.pk}/edit/diagnosis/"
    walker.follow(response.url)
    assert walker.page.context["wizard"]["form"]["severity"].value() == "severe"
    # The progress list says the step is not finished; coming back shows the typo.
    assert "(not finished)" in walker.page.content.decode()
    page = walker.client.get(f"/requests/{walker.pk}/edit/prophylaxis/").content.decode()
    assert 'value="15O"' in page


@pytest.mark.parametrize("text, says", [
    ("15\x00", "contains a control character"),
    ("1\x1b[2J", "contains a control character"),
    ("9" * 2001, "is too long to save"),
])
def test_what_cannot_be_kept_is_refused_by_name_and_nothing_typed_is_lost(walker, case,
                                                                           text, says):
    walker.walk_to("prophylaxis", case)
    data = {**step_post_data("prophylaxis", case, prefix=walker.prefix),
            "prophylaxis-fix_exposure_days": text, "save_and_exit": "1"}
    response = walker.post(data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Exposure days to a factor IX agent: this {says}" in html
    form = response.context["wizard"]["form"]
    assert form["fix_exposure_days"].value() == text  # shown again as typed
    assert walker.request().draft_typed is None


def test_submitting_with_an_unfinished_step_returns_to_it(walker, case):
    walker.walk_to("review", case)
    walker.follow(f"/requests/{walker.pk}/edit/liver/")
    walker.post({f"{walker.prefix}-current_step": "liver", "liver-liver_imaging": "",
                 "save_and_exit": "1"})
    response = walker.client.post(f"/requests/{walker.pk}/edit/review/",
                                  step_post_data("review", case, prefix=walker.prefix))
    assert response.url == f"/requests/{walker.pk}/edit/liver/"
    assert walker.request().status == Status.DRAFT


def test_a_new_requests_unfinished_first_step_makes_its_draft(walker):
    response = walker.post({"request_new-current_step": "patient",
                            "patient-patient_first_name": "Ada", "save_and_exit": "1"})
    assert response.url == "/requests/"
    req = AuthorizationRequest.objects.get()
    assert req.answers == {}
    assert req.draft_typed["patient"]["patient_first_name"] == "Ada"


def test_keeping_a_step_as_typed_is_an_audited_service_write_without_patient_data(walker,
                                                                                  case):
    walker.submit_step(case)
    walker.post(half_typed_diagnosis(walker, save_and_exit="1"))
    event = AuditEvent.objects.get(action="keep_typed")
    assert event.detail == {"step": "diagnosis"}


def test_submission_keeps_no_typed_text(walker, case):
    # Typed on a step that a later change stopped asking (bleeding).
    moderate = approvable_case(severity="moderately_severe", fix_activity_percent=1.5,
                               life_threatening_hemorrhage=True,
                               repeated_serious_spontaneous_bleeding=False)
    walker.walk_to("bleeding", moderate)
    walker.post({f"{walker.prefix}-current_step": "bleeding", "save_and_exit": "1",
                 "bleeding-life_threatening_hemorrhage": "yes"})
    walker.follow(f"/requests/{walker.pk}/edit/diagnosis/")
    walker.submit_step(case)  # severe: bleeding is no longer asked
    walker.walk_to("review", case)
    walker.submit_step(case)
    assert walker.request().status == Status.APPROVED
    assert walker.request().draft_typed is None


def test_back_from_a_step_left_as_shown_keeps_nothing(walker, case):
    walker.submit_step(case)  # on the diagnosis, unanswered
    # The factor IX unit is chosen, never guessed: nothing is preselected.
    assert walker.page.context["wizard"]["form"]["fix_activity_unit"].value() is None
    response = walker.post({f"{walker.prefix}-current_step": "diagnosis",
                            "wizard_goto_step": "patient"})
    assert response.url == f"/requests/{walker.pk}/edit/patient/"
    assert "diagnosis" not in walker.request().answers  # not valid, so not saved
    assert walker.request().draft_typed is None  # and nothing typed to keep
    assert not AuditEvent.objects.filter(action="keep_typed").exists()
    # One choice made: that is kept.
    walker.post({f"{walker.prefix}-current_step": "diagnosis",
                 "diagnosis-diagnosis": "hemophilia_b", "wizard_goto_step": "patient"})
    assert walker.request().draft_typed == {"diagnosis": {"diagnosis": "hemophilia_b"}}
