"""/requests/<id>/letter.pdf: the latest letter, to the owning HTC and reviewers only."""

import pytest
from django.urls import reverse

from authorizations.letters import rendering as letters
from authorizations.models import AuditEvent, Letter, LetterKind
from authorizations.requests.services import request_create, request_decide
from tests.factories import PrescriberFactory, UserFactory, approvable_case, login

# No test here reads what a letter says: the stand-in PDF (tests/conftest.py) is served.
pytestmark = pytest.mark.django_db


def letter_url(req):
    return reverse("request_letter", args=[req.pk])


@pytest.fixture
def approved(prescriber, case, submit):
    return submit(prescriber, case)


def test_owning_prescriber_downloads_the_letter(client, prescriber, approved):
    response = login(client, prescriber).get(letter_url(approved))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert f'filename="{approved.number}-approval.pdf"' in response["Content-Disposition"]
    assert response.content == bytes(Letter.objects.get(determination__request=approved).pdf)


def test_a_colleague_at_the_same_htc_downloads_it_too(client, prescriber, approved):
    colleague = PrescriberFactory(htc=prescriber.prescriber.htc).user
    assert login(client, colleague).get(letter_url(approved)).status_code == 200


def test_reviewers_download_any_letter(client, reviewer, approved):
    assert login(client, reviewer).get(letter_url(approved)).status_code == 200


@pytest.mark.parametrize("who", ["other_prescriber", "plain_user", "staff_user"])
def test_anyone_else_gets_404(client, approved, other_prescriber, who):
    users = {"other_prescriber": other_prescriber,
             "plain_user": UserFactory(username="plain"),
             "staff_user": UserFactory(username="staff", is_staff=True)}
    assert login(client, users[who]).get(letter_url(approved)).status_code == 404
    assert not AuditEvent.objects.filter(action="download").exists()


def test_anonymous_is_sent_to_log_in(client, approved):
    response = client.get(letter_url(approved))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_draft_has_no_letter(client, prescriber):
    draft = request_create(by=prescriber, htc=prescriber.prescriber.htc)
    assert login(client, prescriber).get(letter_url(draft)).status_code == 404


def test_download_is_audited_without_patient_data(client, prescriber, approved):
    login(client, prescriber).get(letter_url(approved))
    event = AuditEvent.objects.get(action="download")
    assert event.actor_id == prescriber.pk
    assert event.object_type == "AuthorizationRequest"
    assert event.object_id == str(approved.pk)
    letter = Letter.objects.get(determination__request=approved)
    assert event.detail == {"letter": letter.pk, "kind": "approval"}


def test_the_latest_letter_is_served(client, prescriber, reviewer, submit,
                                     django_capture_on_commit_callbacks):
    req = submit(prescriber, approvable_case(hbsag="positive"))
    login(client, prescriber)
    assert client.get(letter_url(req)).content == bytes(
        Letter.objects.get(kind=LetterKind.PENDED).pdf)
    with django_capture_on_commit_callbacks(execute=True):
        request_decide(by=reviewer, req=req, approve=False,
                       rationale="HBsAg positive.")
    response = client.get(letter_url(req))
    assert 'denial.pdf"' in response["Content-Disposition"]
    assert response.content == bytes(Letter.objects.get(kind=LetterKind.DENIAL).pdf)


def test_a_missing_letter_is_rendered_on_download(client, prescriber, case, submit,
                                                  monkeypatch):
    real_render = letters.render_pdf
    monkeypatch.setattr(letters, "render_pdf", lambda d: (_ for _ in ()).throw(OSError()))
    req = submit(prescriber, case)
    assert not Letter.objects.exists()
    monkeypatch.setattr(letters, "render_pdf", real_render)
    response = login(client, prescriber).get(letter_url(req))
    assert response.status_code == 200
    assert Letter.objects.get().kind == LetterKind.APPROVAL


def test_a_letter_that_still_cannot_render_says_the_decision_stands(client, prescriber, case,
                                                                    submit, monkeypatch):
    monkeypatch.setattr(letters, "render_pdf", lambda d: (_ for _ in ()).throw(OSError()))
    req = submit(prescriber, case)
    response = login(client, prescriber).get(letter_url(req))
    assert response.status_code == 503
    html = response.content.decode()
    assert "The decision on this request stands" in html
    assert "available shortly" in html
    assert req.number in html
