from datetime import timedelta

import pytest
from django.utils import timezone

from authorizations import services
from authorizations.models import AuthorizationRequest
from tests.factories import approvable_case, draft_request, login  # noqa: F401 (re-exported)


@pytest.fixture
def reviewer_client(client, reviewer):
    return login(client, reviewer)


@pytest.fixture
def queue(prescriber, other_prescriber, reviewer, submit, django_capture_on_commit_callbacks):
    """A reviewer's queue: standard and overdue expedited pending requests, one
    approved at submission, one denied by a reviewer, and a draft."""
    pending = submit(prescriber, approvable_case(member_id="M-PENDING",
                                                 attest_alcohol_counseling=False,
                                                 aav5_nab_titer=900))
    overdue = submit(other_prescriber, approvable_case(member_id="M-OVERDUE",
                                                       patient_first_name="Otto",
                                                       patient_last_name="Late",
                                                       liver_imaging="none"), expedited=True)
    AuthorizationRequest.objects.filter(pk=overdue.pk).update(
        submitted_at=timezone.now() - timedelta(hours=80),
        due_at=timezone.now() - timedelta(hours=8))
    approved = submit(prescriber, approvable_case(member_id="M-APPROVED"))
    denied = submit(prescriber, approvable_case(member_id="M-DENIED", hbsag="positive"))
    with django_capture_on_commit_callbacks(execute=True):
        services.request_decide(by=reviewer, req=denied, approve=False,
                                rationale="HBsAg positive.")
    draft = draft_request(prescriber, approvable_case(member_id="M-DRAFT"))
    for req in (pending, overdue, approved, denied, draft):
        req.refresh_from_db()
    return {"pending": pending, "overdue": overdue, "approved": approved, "denied": denied,
            "draft": draft}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Test users need no slow password hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _quick_letters(monkeypatch):
    # The admin shows and serves letters; what they say is tested in
    # tests/letters. Skipping WeasyPrint here keeps these tests fast.
    from authorizations import letters

    monkeypatch.setattr(letters, "render_pdf",
                        lambda determination: b"%PDF-1.7 letter " + str(determination.pk).encode())
