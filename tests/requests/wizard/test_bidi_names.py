"""A patient's name with a bidirectional control (issue 23) is not submitted:
the prescriber is told which name and why, on the review step, and the
request stays a draft. (The step's own field accepts it for now; the policy's
validation at submission refuses it.)"""

import pytest

from authorizations.models import Status
from tests.factories import approvable_case
from tests.walker import step_post_data

pytestmark = pytest.mark.django_db


def test_a_bidi_control_in_the_patients_name_is_refused_at_submission(walker):
    case = approvable_case(patient_last_name="Lee\u202eeoD")
    walker.walk_to("review", case)
    response = walker.post(step_post_data("review", case, prefix=walker.prefix))
    assert response.status_code == 302
    page = walker.client.get(response.url).content.decode()
    assert ("Patient last name: must not contain characters that change the direction of "
            "text") in page
    assert walker.request().status == Status.DRAFT
