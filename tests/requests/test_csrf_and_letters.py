"""A CSRF failure explains itself and loses no draft; a letter that cannot be
rendered never undoes a decision, and is rendered once the fault is gone.

tests/letters covers the letter services (render_letters after a failure, a
missing letter rendered on download, the 503 page). These tests add the
prescriber's path: the submit through the wizard while the renderer is down.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from authorizations.letters import rendering as letters
from authorizations.models import AuthorizationRequest, Letter, LetterKind, Status
from tests.phi import PATIENT
from tests.walker import Walker, step_post_data

pytestmark = pytest.mark.django_db


def signed_in(user, **client_kwargs) -> Client:
    user.refresh_from_db()
    client = Client(**client_kwargs)
    client.force_login(user)
    return client


# --------------------------------------------------------------------------
# CSRF
# --------------------------------------------------------------------------

def test_a_step_posted_with_a_bad_csrf_token_explains_and_keeps_the_draft(prescriber):
    # A draft, answered up to the AAV5 step in a normal session.
    walker = Walker(signed_in(prescriber))
    walker.walk_to("aav5", dict(PATIENT))
    req = walker.request()
    saved = dict(req.answers)

    # The same user in a browser that enforces CSRF: the token is missing, then wrong.
    strict = signed_in(prescriber, enforce_csrf_checks=True)
    data = step_post_data("aav5", {**PATIENT, "aav5_nab_titer": 5}, prefix=f"request_{req.pk}")
    for token in (None, "not-the-token-" + "x" * 50):
        posted = dict(data) if token is None else {**data, "csrfmiddlewaretoken": token}
        response = strict.post(f"/requests/{req.pk}/edit/aav5/", posted)
        assert response.status_code == 403
        html = response.content.decode()
        assert "Your page expired" in html
        assert "the form could not be sent" in html  # what happened
        assert "Your answers up to the last step you continued from are saved" in html
        assert 'href="/requests/"' in html           # what to do
        assert "<title>Your page expired" in html
        assert response["Content-Security-Policy"]

    # Nothing changed, and the draft is on the dashboard to continue.
    req.refresh_from_db()
    assert req.answers == saved and req.status == Status.DRAFT
    dashboard = strict.get("/requests/").content.decode()
    assert req.number in dashboard
    resumed = strict.get(f"/requests/{req.pk}/edit/")
    assert resumed["Location"] == f"/requests/{req.pk}/edit/aav5/"
    page = strict.get(resumed["Location"])
    assert page.status_code == 200


def test_a_valid_csrf_token_still_saves(prescriber):
    walker = Walker(signed_in(prescriber))
    walker.walk_to("aav5", dict(PATIENT))
    req = walker.request()
    strict = signed_in(prescriber, enforce_csrf_checks=True)
    page = strict.get(f"/requests/{req.pk}/edit/aav5/")
    token = page.context["csrf_token"]
    data = step_post_data("aav5", {**PATIENT, "aav5_nab_titer": 5}, prefix=f"request_{req.pk}")
    response = strict.post(f"/requests/{req.pk}/edit/aav5/",
                           {**data, "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.answers["aav5_nab_titer"] == 5


def test_login_with_a_stale_csrf_token_explains_what_to_do(prescriber):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "prescriber",
                                                "password": "correct-horse-battery-9"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your page expired" in html
    # The link leads to sign in (and then to the drafts).
    assert strict.get("/requests/")["Location"].startswith("/accounts/login/")


def test_discard_with_a_bad_csrf_token_discards_nothing(prescriber):
    walker = Walker(signed_in(prescriber))
    walker.walk_to("diagnosis", dict(PATIENT))
    strict = signed_in(prescriber, enforce_csrf_checks=True)
    response = strict.post(f"/requests/{walker.pk}/discard/")
    assert response.status_code == 403 and b"Your page expired" in response.content
    assert AuthorizationRequest.objects.filter(pk=walker.pk, status=Status.DRAFT).exists()


# --------------------------------------------------------------------------
# Letters when the renderer fails
# --------------------------------------------------------------------------

@pytest.fixture
def renderer(monkeypatch):
    """Switch the letter renderer off and on again."""
    real = letters.render_pdf

    class Switch:
        def down(self):
            def broken(determination):
                raise OSError("renderer unavailable")

            monkeypatch.setattr(letters, "render_pdf", broken)

        def up(self):
            monkeypatch.setattr(letters, "render_pdf", real)

    return Switch()


def submit_through_wizard(client, case, capture):
    walker = Walker(client)
    walker.walk_to("review", case)
    with capture(execute=True):  # the letter is rendered once the submit commits
        response = walker.submit_step(case)
    return walker, response


@pytest.mark.parametrize("case, status, kind", [
    (dict(PATIENT), Status.APPROVED, LetterKind.APPROVAL),
    ({**PATIENT, "hbsag": "positive"}, Status.PENDING_REVIEW, LetterKind.PENDED),
])
def test_submit_commits_the_determination_when_the_letter_cannot_be_rendered(
        prescriber, renderer, django_capture_on_commit_callbacks, case, status, kind):
    renderer.down()
    owner = signed_in(prescriber)
    walker, response = submit_through_wizard(owner, case, django_capture_on_commit_callbacks)
    req = walker.request()

    # The decision stands and the prescriber sees it.
    assert response["Location"] == f"/requests/{req.pk}/"
    assert req.status == status
    assert req.determinations.count() == 1
    assert (req.status == Status.APPROVED) == hasattr(req, "authorization")
    assert walker.page.status_code == 200
    assert req.number in walker.page.content.decode()
    assert not Letter.objects.exists()

    # Downloading meanwhile: a clear page, not a server error.
    download = owner.get(f"/requests/{req.pk}/letter.pdf")
    assert download.status_code == 503
    html = download.content.decode()
    assert "The decision on this request stands" in html
    assert req.number in html
    assert "Thistlewood" not in html

    # The fault is gone: the next download renders it.
    renderer.up()
    download = owner.get(f"/requests/{req.pk}/letter.pdf")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")
    assert Letter.objects.get().kind == kind


def test_render_letters_fills_in_letters_missed_during_an_outage(
        prescriber, renderer, django_capture_on_commit_callbacks):
    renderer.down()
    owner = signed_in(prescriber)
    approved, _ = submit_through_wizard(owner, dict(PATIENT), django_capture_on_commit_callbacks)
    pended, _ = submit_through_wizard(owner, {**PATIENT, "member_id": "UHC-2",
                                              "hbsag": "positive"},
                                      django_capture_on_commit_callbacks)
    # Still down: the command says which failed and exits non-zero.
    err = io.StringIO()
    with pytest.raises(Exception, match="2 letter"):
        call_command("render_letters", stdout=io.StringIO(), stderr=err)
    assert "rendering failed (OSError)" in err.getvalue()
    assert "Thistlewood" not in err.getvalue()

    renderer.up()
    out = io.StringIO()
    call_command("render_letters", stdout=out)
    assert "2 letter(s) rendered, 0 failed" in out.getvalue()
    kinds = {letter.determination.request_id: letter.kind for letter in Letter.objects.all()}
    assert kinds == {approved.pk: LetterKind.APPROVAL, pended.pk: LetterKind.PENDED}
    # The downloads serve the stored letters.
    for walker in (approved, pended):
        assert owner.get(f"/requests/{walker.pk}/letter.pdf").status_code == 200


def test_a_submit_with_a_bad_csrf_token_submits_nothing_and_can_be_sent_again(
        prescriber, quick_letters, django_capture_on_commit_callbacks):
    walker = Walker(signed_in(prescriber))
    walker.walk_to("review", dict(PATIENT))
    strict = signed_in(prescriber, enforce_csrf_checks=True)
    review = f"/requests/{walker.pk}/edit/review/"
    data = step_post_data("review", PATIENT, prefix=walker.prefix)
    response = strict.post(review, {**data, "csrfmiddlewaretoken": "stale" * 10})
    assert response.status_code == 403 and b"Your page expired" in response.content
    assert walker.request().status == Status.DRAFT
    # Back to the draft, the same answers, and the submit goes through.
    token = strict.get(review).context["csrf_token"]
    with django_capture_on_commit_callbacks(execute=True):
        response = strict.post(review, {**data, "csrfmiddlewaretoken": str(token)})
    assert response["Location"] == f"/requests/{walker.pk}/"
    assert walker.request().status == Status.APPROVED
