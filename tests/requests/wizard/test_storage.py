"""The wizard's storage is the request's draft: step data comes back from the
saved answers, every write is a service call with its audit row, and the
session keeps nothing of the wizard."""

import pytest
from django.test import RequestFactory

from authorizations.core.sessions import UserSession as Session
from authorizations.models import AuditEvent
from authorizations.requests.wizard import REVIEW, STEPS
from authorizations.requests.wizard.storage import DraftStorage
from tests.factories import approvable_case
from tests.walker import step_post_data

pytestmark = pytest.mark.django_db


def storage_for(req, user):
    request = RequestFactory().get("/")
    request.user, request.draft, request.prescriber_profile = user, req, user.prescriber
    return DraftStorage(f"request_{req.pk}", request)


def test_each_steps_saved_answers_bind_its_form_again(walker, prescriber):
    case = approvable_case(severity="moderately_severe", fix_activity_percent=1.5,
                           life_threatening_hemorrhage=True,
                           repeated_serious_spontaneous_bleeding=False)
    walker.walk_to(REVIEW, case)
    req = walker.request()
    storage = storage_for(req, prescriber)
    for step, form_class in STEPS:
        if step == REVIEW:
            assert storage.get_step_data(step) is None  # not posted yet
            continue
        form = form_class(data=storage.get_step_data(step), prefix=step)
        assert form.is_valid(), (step, form.errors)
        assert form.answers() == {k: v for k, v in req.answers.items() if k in form_class.keys}


def test_every_saved_step_is_one_audited_service_write(walker, case):
    steps = walker.walk_to(REVIEW, case)
    saves = AuditEvent.objects.filter(action="save_draft", object_id=str(walker.pk))
    assert [e.detail["step"] for e in saves.order_by("pk")] == steps
    assert AuditEvent.objects.filter(action="create", object_type="AuthorizationRequest",
                                     object_id=str(walker.pk)).count() == 1


def test_the_session_keeps_no_wizard_state(walker, case, client):
    walker.walk_to("liver", case)
    walker.post({**step_post_data("liver", case, prefix=walker.prefix),
                 "wizard_goto_step": "aav5"})
    client.post(f"/requests/{walker.pk}/edit/patient/", {
        f"{walker.prefix}-current_step": "patient", "patient-weight_kg": "-1"})
    stored = Session.objects.get(session_key=client.session.session_key).get_decoded()
    assert not [k for k in stored if k.startswith("wizard_")], stored


def test_the_review_step_reads_the_expedited_choice_from_the_request(walker, prescriber):
    case = approvable_case(hbsag="positive")  # goes to a reviewer: expedited is asked
    walker.walk_to(REVIEW, case)
    walker.client.post(walker.url, {**step_post_data(REVIEW, case, prefix=walker.prefix),
                                    "review-expedited": "yes",
                                    "review-expedited_reason": "Surgery next week",
                                    "save_and_exit": "1"})
    data = storage_for(walker.request(), prescriber).get_step_data(REVIEW)
    assert data.dict() == {"review-expedited": "yes",
                           "review-expedited_reason": "Surgery next week"}
