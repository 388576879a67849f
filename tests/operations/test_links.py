"""Issue 20: the admin home links the operations and outcomes pages."""

import pytest
from django.urls import reverse

from tests.factories import login

pytestmark = pytest.mark.django_db


def test_the_admin_home_links_the_operations_and_outcomes_pages(client, reviewer):
    page = login(client, reviewer).get(reverse("admin:index")).content.decode()
    assert f'<a href="{reverse("operations")}">Prior authorization metrics</a>' in page
    assert f'<a href="{reverse("operations_outcomes")}">Outcomes after treatment</a>' in page
    for url in (reverse("operations"), reverse("operations_outcomes")):
        assert client.get(url).status_code == 200
