"""A patient's name with a bidirectional control (issue 23) is refused on the
step where it is typed: the prescriber is told which name and why, what was
typed stays in the field, and no draft is made of it."""

import pytest

from authorizations.models import AuthorizationRequest
from tests.factories import approvable_case
from tests.walker import step_post_data

pytestmark = pytest.mark.django_db


def test_a_bidi_control_in_the_patients_name_is_refused_on_its_step(walker):
    case = approvable_case(patient_last_name="Lee\u202eeoD")
    response = walker.post(step_post_data("patient", case, prefix=walker.prefix))
    assert response.status_code == 200
    page = response.content.decode()
    assert ("The patient&#x27;s last name must not contain characters that change the "
            "direction of text") in page
    assert 'value="Lee\u202eeoD"' in page
    assert not AuthorizationRequest.objects.exists()
