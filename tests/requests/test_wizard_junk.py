"""Junk posted to every wizard step never gives a server error: the prescriber
gets the step again with its errors (200) or is sent on (302)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authorizations.models import AuthorizationRequest
from authorizations.requests.services import request_create, request_save_draft
from authorizations.requests.wizard import STEPS
from tests.cases import approvable_case, iso
from tests.depth import examples
from tests.phi import PATIENT

pytestmark = pytest.mark.django_db

STEP_NAMES = [name for name, _ in STEPS]
FIELDS = {name: list(form_class(prefix=name).fields) for name, form_class in STEPS}

NASTY = ["", " ", "\x00", "0", "-0", "-1", "1e309", "-1e309", "nan", "NaN", "inf", "-Infinity",
         "9" * 400, "0." + "0" * 300 + "1", "1,5", "½", "٣", "１２", "yes", "no", "true", "None",
         "null", "[]", "{}", "2026-02-30", "0000-00-00", "99/99/9999", "1900-01-01",
         "2999-12-31", "<script>alert(1)</script>", "' OR 1=1 --", "é" * 500, "\u202e", "🩸",
         "\r\n", "x" * 5000, "1e600000", "1e2000000", "1e999999", "2 x 10^600000", "<1e99999",
         "9" * 5000, "1:" + "9" * 5000]

values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=60),
    st.integers(min_value=-(10 ** 40), max_value=10 ** 40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.dates().map(lambda d: d.strftime("%m/%d/%Y")),
)
field_values = st.one_of(values, st.lists(values, min_size=0, max_size=4))


def junk_for(step: str):
    prefix_choices = st.sampled_from([step, *STEP_NAMES, "", "request_new", "x" * 50])
    known = st.sampled_from(FIELDS[step]).flatmap(lambda f: st.sampled_from([
        f"{step}-{f}", f, f"other-{f}"]))
    wrong_prefix = st.tuples(prefix_choices, st.sampled_from(
        sum(FIELDS.values(), []))).map(lambda t: f"{t[0]}-{t[1]}")
    keys = st.one_of(known, known, wrong_prefix, st.text(min_size=1, max_size=20),
                     st.sampled_from(["wizard_goto_step", "save_and_exit", "csrfmiddlewaretoken"]))
    return st.tuples(
        st.dictionaries(keys, field_values, max_size=12),
        # The management form's current step: right, another step, junk or missing.
        st.one_of(st.just(step), st.sampled_from(STEP_NAMES), values, st.none()),
        # Every other example answers the step's fields, with junk in some.
        st.booleans(),
    )


def fresh_draft(prescriber) -> AuthorizationRequest:
    req = request_create(by=prescriber, htc=prescriber.prescriber.htc)
    return request_save_draft(by=prescriber, req=req, answers=dict(PATIENT),
                              step="attestations")


@pytest.fixture
def signed_in(client, prescriber):
    prescriber.refresh_from_db()
    client.force_login(prescriber)
    return client


def post_junk(client, url: str, prefix: str, step: str, junk, current, fill):
    data: dict[str, object] = {}
    if fill:
        data.update({f"{step}-{f}": "" for f in FIELDS[step]})
    data.update(junk)
    if current is not None:
        data[f"{prefix}-current_step"] = current
    response = client.post(url, data)
    assert response.status_code in (200, 302), (url, response.status_code, data)
    if response.status_code == 302:
        assert response["Location"].startswith("/"), response["Location"]
    else:
        assert b"Server error" not in response.content
    return response


@pytest.mark.parametrize("step", STEP_NAMES)
def test_junk_on_a_draft_step_is_never_a_server_error(signed_in, prescriber, step):
    @settings(max_examples=examples(25), deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(junk_for(step))
    def run(example):
        junk, current, fill = example
        req = fresh_draft(prescriber)
        url = f"/requests/{req.pk}/edit/{step}/"
        post_junk(signed_in, url, f"request_{req.pk}", step, junk, current, fill)
        # The wizard still works for this draft afterwards.
        page = signed_in.get(f"/requests/{req.pk}/edit/", follow=True)
        assert page.status_code == 200

    run()


def test_junk_on_a_new_request_is_never_a_server_error(signed_in):
    @settings(max_examples=examples(40), deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(junk_for("patient"))
    def run(example):
        junk, current, fill = example
        post_junk(signed_in, "/requests/new/", "request_new", "patient", junk, current, fill)

    run()
    # Nothing junk was stored as a member ID with a NUL or beyond its column.
    for req in AuthorizationRequest.objects.all():
        assert "\x00" not in req.member_id and len(req.member_id) <= 40


@pytest.mark.parametrize("junk_id", ["0", "-1", "99999999999999999999", "abc", "%00"])
def test_junk_in_the_address_is_a_404_not_an_error(signed_in, junk_id):
    for url in (f"/requests/{junk_id}/", f"/requests/{junk_id}/edit/",
                f"/requests/{junk_id}/edit/patient/", f"/requests/{junk_id}/export.json",
                f"/requests/{junk_id}/letter.pdf", f"/requests/{junk_id}/discard/"):
        assert signed_in.get(url).status_code == 404, url


def test_an_unknown_step_name_resumes_the_draft(signed_in, prescriber):
    req = fresh_draft(prescriber)
    for step in ("done", "nope", "..", "review%00", "x" * 300):
        response = signed_in.get(f"/requests/{req.pk}/edit/{step}/")
        assert response.status_code == 302, step
        assert response["Location"].startswith(f"/requests/{req.pk}/edit/")
        response = signed_in.post(f"/requests/{req.pk}/edit/{step}/", {"x": "y"})
        assert response.status_code in (200, 302), step


def test_a_post_without_the_wizards_own_fields_shows_the_step_again(signed_in, prescriber):
    """An old or truncated page: formtools alone would answer a bare 400."""
    req = fresh_draft(prescriber)
    for data in ({}, {"patient-patient_last_name": "Changed"},
                 {f"request_{req.pk}-current_step": "x" * 200}):
        response = signed_in.post(f"/requests/{req.pk}/edit/patient/", data)
        assert response.status_code == 302
        assert response["Location"] == f"/requests/{req.pk}/edit/patient/"
        page = signed_in.get(response["Location"]).content.decode()
        assert "This page was out of date, so nothing on it was saved" in page
    req.refresh_from_db()
    assert req.answers == PATIENT


HUGE = ["1e600000", "1e2000000", "1e999999 IU/mL", "9" * 5000, "<" + "9" * 5000,
        "2 x 10^600000", "1:1e600000"]
NUMBER_FIELDS = [(step, name) for step, form_class in STEPS
                 for name, field in form_class(prefix=step).fields.items()
                 if getattr(field, "question", None) is not None
                 and field.question.kind in ("decimal", "integer", "lab_value", "titer")]


@pytest.mark.parametrize("step, name", NUMBER_FIELDS)
def test_huge_numbers_get_a_message_naming_the_field(signed_in, prescriber, step, name):
    """The probe's posts (1e600000 blocked a worker in version 1): each is
    answered at once with an error for its field, never a 500 or a hang."""
    from tests.walker import step_post_data

    req = fresh_draft(prescriber)
    url = f"/requests/{req.pk}/edit/{step}/"
    # Every other answer valid, so the field is asked (its condition holds).
    case = approvable_case(hiv_status="positive", hiv_on_antiretroviral_therapy=True,
                           hiv_viral_load_copies_ml=20, hiv_viral_load_date=iso(-26))
    for value in HUGE:
        data = step_post_data(step, case, prefix=f"request_{req.pk}")
        data[f"{step}-{name}"] = value
        response = signed_in.post(url, data)
        assert response.status_code == 200, (name, value)
        assert name in response.context["wizard"]["form"].errors, (name, value)
