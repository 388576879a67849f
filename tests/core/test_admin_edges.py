"""The admin's edges a red team found (issue 23): a malformed action on a list
is the client's mistake (400), never a server error, even for a superuser."""

import pytest
from django.contrib.auth.models import User

from tests.factories import login

pytestmark = pytest.mark.django_db

LISTS = ["authorizations/htc", "auth/user", "auth/group", "authorizations/prescriberprofile",
         "authorizations/reviewerprofile", "axes/accessattempt", "axes/accesslog",
         "axes/accessfailurelog"]


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", "x" * 20)


@pytest.mark.parametrize("changelist", LISTS)
@pytest.mark.parametrize("selected", ["abc", "1e3", "9" * 30])
def test_a_malformed_admin_action_is_a_400(client, superuser, changelist, selected):
    response = login(client, superuser).post(
        f"/admin/{changelist}/", {"action": "delete_selected", "_selected_action": selected})
    assert response.status_code == 400
    assert "bad request" in response.content.decode().lower()


def test_a_well_formed_selection_still_reaches_the_action(client, superuser):
    # The confirmation page of "delete selected", as before.
    response = login(client, superuser).post(
        "/admin/auth/user/", {"action": "delete_selected", "_selected_action": [superuser.pk]})
    assert response.status_code == 200
    assert "<title>Delete multiple objects" in response.content.decode()


def test_a_prescribers_name_with_a_bidi_control_is_refused_and_kept_on_the_page(
        client, superuser, prescriber):
    page = f"/admin/auth/user/{prescriber.pk}/change/"
    login(client, superuser)
    form = client.get(page).context["adminform"].form
    data = {name: value for name, value in form.initial.items()
            if value is not None and name not in ("groups", "user_permissions", "password",
                                                  "last_login", "date_joined")}
    data.update({"first_name": "Ann\u202eeoD", "last_name": "Lee",
                 "date_joined_0": "2026-11-01", "date_joined_1": "09:00:00"})
    response = client.post(page, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "First name must not contain characters that change the direction of text" in html
    assert "Ann\u202eeoD" in html
    prescriber.refresh_from_db()
    assert "\u202e" not in prescriber.first_name
