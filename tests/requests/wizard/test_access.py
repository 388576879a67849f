"""Who may see what: prescribers see their own HTC's requests only; anything
else does not exist for them (404)."""

import pytest

from authorizations.models import AuditEvent, AuthorizationRequest, Status
from tests.walker import login, step_post_data

pytestmark = pytest.mark.django_db


# Built through the services: who may see a request does not depend on how it
# was entered, and walking the wizard (tests/requests/wizard/test_flow.py) for
# each of these tests cost two seconds apiece.
@pytest.fixture
def submitted(prescriber, submit, case):
    return submit(prescriber, case)


@pytest.fixture
def draft(make_draft, case):
    return make_draft(case)


def _urls(req):
    return [f"/requests/{req.pk}/", f"/requests/{req.pk}/edit/",
            f"/requests/{req.pk}/edit/patient/", f"/requests/{req.pk}/edit/review/",
            f"/requests/{req.pk}/export.json", f"/requests/{req.pk}/discard/"]


def test_other_htc_prescriber_gets_404_everywhere(client, other_prescriber, submitted, draft,
                                                  case):
    login(client, other_prescriber)
    for req in (submitted, draft):
        for url in _urls(req):
            assert client.get(url).status_code == 404, url
        assert client.post(f"/requests/{req.pk}/discard/").status_code == 404
        data = step_post_data("patient", case, prefix=f"request_{req.pk}")
        assert client.post(f"/requests/{req.pk}/edit/patient/", data).status_code == 404
    dashboard = client.get("/requests/").content.decode()
    assert submitted.number not in dashboard
    assert "Ada Quinlan" not in dashboard
    assert AuthorizationRequest.objects.filter(pk=draft.pk, status=Status.DRAFT).exists()
    assert AuthorizationRequest.objects.get(pk=draft.pk).answers["member_id"] == \
        case["member_id"]


def test_colleague_at_the_same_htc_sees_the_request(client, prescriber, submitted):
    from tests.factories import PrescriberFactory

    colleague = PrescriberFactory(user__username="colleague", htc=prescriber.prescriber.htc).user
    login(client, colleague)
    assert client.get(f"/requests/{submitted.pk}/").status_code == 200


def test_404_page_is_the_service_page(client, other_prescriber, submitted):
    login(client, other_prescriber)
    response = client.get(f"/requests/{submitted.pk}/")
    assert b"Page not found" in response.content


def test_anonymous_is_sent_to_login(client, submitted):
    client.logout()
    for url in ["/requests/", "/requests/new/", *_urls(submitted)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/?next=")


def test_reviewer_is_sent_to_the_admin(client, reviewer, submitted):
    login(client, reviewer)
    for url in ["/requests/", "/requests/new/", f"/requests/{submitted.pk}/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == "/admin/"


def test_user_without_a_role_is_refused(client, db):
    from tests.factories import UserFactory

    login(client, UserFactory(username="nobody"))
    assert client.get("/requests/").status_code == 403
    assert client.get("/requests/new/").status_code == 403


def test_submitted_request_cannot_be_edited_or_discarded(prescriber_client, submitted, case):
    pk = submitted.pk
    assert prescriber_client.get(f"/requests/{pk}/edit/patient/").url == f"/requests/{pk}/"
    data = step_post_data("patient", {**case, "member_id": "CHANGED"}, prefix=f"request_{pk}")
    assert prescriber_client.post(f"/requests/{pk}/edit/patient/", data).url == \
        f"/requests/{pk}/"
    assert prescriber_client.post(f"/requests/{pk}/discard/").url == f"/requests/{pk}/"
    submitted.refresh_from_db()
    assert submitted.answers["member_id"] == case["member_id"]


def test_draft_page_redirects_to_the_wizard(prescriber_client, draft):
    response = prescriber_client.get(f"/requests/{draft.pk}/")
    assert response.url == f"/requests/{draft.pk}/edit/"


def test_view_and_export_are_audited_without_patient_data(prescriber_client, submitted):
    prescriber_client.get(f"/requests/{submitted.pk}/")
    prescriber_client.get(f"/requests/{submitted.pk}/export.json")
    actions = list(AuditEvent.objects.filter(object_id=str(submitted.pk))
                   .values_list("action", flat=True))
    assert "view" in actions and "export" in actions and "save_draft" in actions
    for event in AuditEvent.objects.all():
        text = str(event.detail)
        assert "Ada" not in text and "Quinlan" not in text and "UHC-100200300" not in text


def test_logout_is_a_post(prescriber_client):
    assert prescriber_client.get("/accounts/logout/").status_code == 405
    page = prescriber_client.get("/requests/").content.decode()
    assert 'action="/accounts/logout/"' in page
    assert prescriber_client.post("/accounts/logout/").status_code == 302
    assert prescriber_client.get("/requests/").status_code == 302


def test_login_page_renders_and_signs_in(client, prescriber):
    prescriber.set_password("correct-horse-battery-9")
    prescriber.save()
    page = client.get("/accounts/login/")
    assert b"<h1>Sign in</h1>" in page.content
    response = client.post("/accounts/login/", {"username": "prescriber",
                                                 "password": "correct-horse-battery-9"})
    assert response.status_code == 302
    assert response.url == "/requests/"


def test_failed_login_shows_the_error_summary(client, prescriber):
    response = client.post("/accounts/login/", {"username": "prescriber", "password": "nope"})
    html = response.content.decode()
    assert "There is a problem" in html
    assert "<title>Error: Sign in" in html
