"""Who may enter the admin, and that its records cannot be changed there."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from authorizations.models import (
    HTC,
    AuditEvent,
    Authorization,
    Determination,
    Letter,
)
from tests.factories import login

pytestmark = pytest.mark.django_db

RECORDS = [Determination, Letter, AuditEvent, Authorization]


def admin_url(model, view, *args):
    return reverse(f"admin:authorizations_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser_client(client):
    user = User.objects.create_superuser("root", "root@example.org", "x" * 20)
    return login(client, user)


def test_prescribers_cannot_enter_the_admin(client, prescriber):
    login(client, prescriber)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_reviewers_see_the_review_models_only(reviewer_client, queue):
    html = reviewer_client.get(reverse("admin:index")).content.decode()
    for model in ("authorizationrequest", "determination", "letter", "auditevent",
                  "authorization", "htc"):
        assert f"/admin/authorizations/{model}/" in html
    assert "/admin/auth/user/" not in html
    assert "/admin/authorizations/prescriberprofile/" not in html
    assert reviewer_client.get("/admin/auth/user/").status_code == 403
    assert reviewer_client.get("/admin/auth/group/").status_code == 403


@pytest.mark.parametrize("model", RECORDS)
def test_records_are_read_only_even_for_superusers(superuser_client, queue, model):
    obj = model.objects.first()
    assert superuser_client.get(admin_url(model, "changelist")).status_code == 200
    assert superuser_client.get(admin_url(model, "add")).status_code == 403
    assert superuser_client.get(admin_url(model, "delete", obj.pk)).status_code == 403
    assert superuser_client.post(admin_url(model, "delete", obj.pk),
                                 {"post": "yes"}).status_code == 403
    page = superuser_client.get(admin_url(model, "change", obj.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    before = model.objects.count()
    superuser_client.post(admin_url(model, "change", obj.pk), {})
    assert model.objects.count() == before


def test_requests_cannot_be_added_changed_or_deleted_in_the_admin(superuser_client, queue):
    from authorizations.models import AuthorizationRequest as Req

    req = queue["pending"]
    assert superuser_client.get(admin_url(Req, "add")).status_code == 403
    assert superuser_client.get(admin_url(Req, "delete", req.pk)).status_code == 403
    page = superuser_client.get(admin_url(Req, "change", req.pk)).content.decode()
    assert 'name="_save"' not in page
    assert 'id="decide"' in page  # superusers may decide, through the service


def test_reviewers_read_the_htc_directory_but_only_superusers_edit_it(
        reviewer_client, queue):
    htc = HTC.objects.first()
    page = reviewer_client.get(admin_url(HTC, "change", htc.pk)).content.decode()
    assert 'name="_save"' not in page
    assert reviewer_client.post(admin_url(HTC, "change", htc.pk),
                                {"name": "Renamed"}).status_code == 403
    assert reviewer_client.get(admin_url(HTC, "add")).status_code == 403


def test_superusers_edit_the_htc_directory(superuser_client, queue):
    htc = HTC.objects.first()
    response = superuser_client.post(admin_url(HTC, "change", htc.pk), {
        "name": "Renamed HTC", "city": htc.city, "state": htc.state,
        "federally_designated": "on", "region": "", "source_url": ""})
    assert response.status_code == 302
    htc.refresh_from_db()
    assert htc.name == "Renamed HTC"


def test_letter_pdf_in_the_admin_is_served_and_audited(reviewer_client, queue, reviewer):
    letter = Letter.objects.first()
    response = reviewer_client.get(reverse("admin:authorizations_letter_pdf",
                                           args=[letter.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert bytes(response.content) == bytes(letter.pdf)
    event = AuditEvent.objects.get(action="download", actor_id=reviewer.pk)
    assert event.detail == {"letter": letter.pk, "kind": letter.kind}
