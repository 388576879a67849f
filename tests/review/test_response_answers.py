"""Changing answers in a response: the wizard's own step forms, each change a
new version of the answers, the reviewer sees the difference, and the
response is evaluated on the changed answers."""

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from authorizations.models import AnswerVersion, AuditEvent, InvalidTransition, Status
from authorizations.policy import QUESTION_BY_KEY
from authorizations.requests.wizard.forms import STEP_FORMS, raw_value
from authorizations.review.conversation import answers_change
from authorizations.review.services import information_request
from tests.factories import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def pended(reviewer, pending):
    information_request(by=reviewer, req=pending,
                        criteria=["alcohol_counseling_attestation"],
                        document_kinds=[], message="Was the patient counseled?")
    pending.refresh_from_db()
    return pending


def step_post(req, step, **changes):
    """The POST of `step`'s form with the stored answers, `changes` typed over."""
    data = STEP_FORMS[step].raw_data(req.answers)
    for key, value in changes.items():
        data[key] = value if isinstance(value, str) else raw_value(QUESTION_BY_KEY[key], value)
    return {f"{step}-{k}": v for k, v in data.items() if v is not None}


def test_the_step_form_shows_the_current_answers(client, prescriber, pended):
    page = login(client, prescriber).get(reverse("request_respond_step",
                                                 args=[pended.pk, "patient"]))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="patient-weight_kg"' in text
    assert f'value="{raw_value(QUESTION_BY_KEY["weight_kg"], pended.answers["weight_kg"])}"' \
        in text


def test_a_changed_answer_is_version_2_and_the_response_approves_at_once(
        client, prescriber, reviewer, pended, django_capture_on_commit_callbacks):
    client = login(client, prescriber)
    url = reverse("request_respond_step", args=[pended.pk, "attestations"])
    response = client.post(url, step_post(pended, "attestations",
                                          attest_alcohol_counseling=True))
    assert response.status_code == 302
    versions = list(AnswerVersion.objects.filter(request=pended).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].reason == "submitted"
    assert versions[0].answers["attest_alcohol_counseling"] is False
    assert versions[1].answers["attest_alcohol_counseling"] is True
    assert versions[1].reason == "response to information request 1"
    event = AuditEvent.objects.filter(action="change_answers").get()
    # Names of what changed, never the values (patient data).
    assert event.detail == {"step": "attestations", "version": 2,
                            "keys": ["attest_alcohol_counseling"]}

    # The reviewer sees exactly what changed, with the question's own words.
    admin_page = login(client, reviewer).get(
        reverse("admin:authorizations_authorizationrequest_change", args=[pended.pk]))
    text = strip_tags(admin_page.content.decode())
    label = QUESTION_BY_KEY["attest_alcohol_counseling"].label
    assert f"{label}: Not ticked → Ticked" in text

    client = login(client, prescriber)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("request_respond", args=[pended.pk]),
                               {"note": "Counseled on November 2."})
    assert response.status_code == 302
    pended.refresh_from_db()
    assert pended.status == Status.APPROVED
    assert pended.unmet == []
    page = client.get(reverse("request_detail", args=[pended.pk])).content.decode()
    assert "Versions of the answers" in page
    assert f"{label}: Not ticked → Ticked" in page


def test_the_diff_lists_exactly_the_changed_keys(prescriber, pended):
    from authorizations.review import selectors as review_selectors

    answers = {**pended.answers, "weight_kg": 81, "hbsag": "negative"}
    answers_change(by=prescriber, req=pended, step="dosing", answers=answers)
    rows = review_selectors.answer_versions(pended)
    assert [(c.key, c.label, c.new) for c in rows[-1].changes] == [
        ("weight_kg", QUESTION_BY_KEY["weight_kg"].label, "81 kg")]


def test_nothing_changed_is_no_new_version(client, prescriber, pended):
    client = login(client, prescriber)
    response = client.post(reverse("request_respond_step", args=[pended.pk, "dosing"]),
                           step_post(pended, "dosing"), follow=True)
    assert "Nothing changed on" in response.content.decode()
    assert not AnswerVersion.objects.filter(request=pended).exists()


def test_a_bad_value_names_the_field_and_keeps_the_input(client, prescriber, pended):
    client = login(client, prescriber)
    response = client.post(reverse("request_respond_step", args=[pended.pk, "patient"]),
                           step_post(pended, "patient", weight_kg="900 kg"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    assert 'value="900 kg"' in text
    assert "weight" in text.lower()
    assert not AnswerVersion.objects.filter(request=pended).exists()


def test_a_change_that_still_fails_returns_to_the_queue(
        client, prescriber, pended, django_capture_on_commit_callbacks):
    client = login(client, prescriber)
    client.post(reverse("request_respond_step", args=[pended.pk, "gene_therapy"]),
                step_post(pended, "gene_therapy", prior_gene_therapy=True))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("request_respond", args=[pended.pk]), {"note": ""})
    pended.refresh_from_db()
    assert pended.status == Status.PENDING_REVIEW
    assert "prior_gene_therapy" in pended.unmet
    assert pended.due_at is not None


def test_answers_change_only_while_information_is_requested(client, prescriber, pending):
    response = login(client, prescriber).get(
        reverse("request_respond_step", args=[pending.pk, "dosing"]))
    assert response.status_code == 302
    with pytest.raises(InvalidTransition, match="only in a response"):
        answers_change(by=prescriber, req=pending, step="dosing",
                       answers=pending.answers)


def test_answer_versions_are_insert_only(prescriber, pended):
    from django.db import DatabaseError, transaction

    answers_change(by=prescriber, req=pended, step="dosing",
                   answers={**pended.answers, "weight_kg": 81})
    with pytest.raises(DatabaseError), transaction.atomic():
        AnswerVersion.objects.filter(request=pended).update(reason="edited")


def test_the_determination_admin_names_criteria(client, reviewer, pended):
    determination = pended.determinations.get()
    page = login(client, reviewer).get(reverse(
        "admin:authorizations_determination_change", args=[determination.pk]))
    text = strip_tags(page.content.decode())
    assert "Alcohol counseling attestation" in text
    assert '"alcohol_counseling_attestation"' not in page.content.decode()


def test_a_change_that_asks_a_new_question_is_named_before_sending(client, prescriber, pended):
    # Moderately severe: the bleeding history is now asked, and not answered.
    answers = {**pended.answers, "severity": "moderately_severe", "fix_activity_percent": 1.5}
    answers_change(by=prescriber, req=pended, step="diagnosis", answers=answers)
    client = login(client, prescriber)
    response = client.post(reverse("request_respond", args=[pended.pk]), {"note": "Kept"})
    assert response.status_code == 400
    text = response.content.decode()
    label = QUESTION_BY_KEY["life_threatening_hemorrhage"].label
    assert label in text
    assert reverse("request_respond_step", args=[pended.pk, "bleeding"]) in text
    assert "Kept</textarea>" in text
    pended.refresh_from_db()
    assert pended.status == Status.INFORMATION_REQUESTED
