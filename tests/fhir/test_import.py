"""A QuestionnaireResponse made by an EHR's DTR app becomes a draft: the
answers come back exactly, every problem is named by linkId, and nothing is
ever half-imported."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from fhir.resources.R4B.bundle import Bundle
from hypothesis import given, settings
from hypothesis import strategies as st

from authorizations import fhir, policy
from authorizations.fhir import codes, importing
from authorizations.models import AuditEvent, AuthorizationRequest
from tests.cases import AS_OF, approvable_case, iso

DERIVED = {q.key for q in policy.QUESTIONS if q.derived}


def exact(answers: dict) -> dict:
    """What a draft keeps of a case: the asked, answered, typed-in answers."""
    typed = policy.to_json(policy.validate(answers, as_of=AS_OF))
    return {k: v for k, v in typed.items() if v is not None and k not in DERIVED}


def round_trip(answers: dict) -> dict:
    response = fhir.build_response(answers, version=policy.CURRENT, status="completed")
    text = fhir.dumps(response)
    _, read = importing.read(text, as_of=AS_OF)
    return read


def lab_values(high: int):
    numbers = st.decimals(min_value=0, max_value=high - 1, places=4, allow_nan=False,
                          allow_infinity=False)
    below = st.decimals(min_value=Decimal("0.001"), max_value=high - 1, places=3).map(
        lambda n: f"<{policy.values.plain(n)}")
    return numbers | below | st.just(Decimal("0.59999999999999999999"))


@st.composite
def cases(draw):
    c: dict = {"weight_kg": draw(st.decimals(min_value=20, max_value=250, places=2)),
               "dose_gc_per_kg": draw(st.sampled_from([20000000000000, Decimal("2.0E+13"),
                                                       Decimal("19900000000000.5")])),
               "inhibitor_screen_bu": draw(lab_values(100)),
               "planned_infusion_date": draw(st.none() | st.just(iso(13)))}
    c["diagnosis"] = draw(st.sampled_from(["hemophilia_b", "hemophilia_a", "other"]))
    if c["diagnosis"] == "hemophilia_b":
        c["severity"] = draw(st.sampled_from(
            ["severe", "moderately_severe", "moderate", "mild"]))
        c["fix_activity_percent"] = draw(lab_values(200))
        if c["severity"] == "moderately_severe":
            c["life_threatening_hemorrhage"] = draw(st.booleans())
            c["repeated_serious_spontaneous_bleeding"] = draw(st.booleans())
    else:
        c.update(severity=None, fix_activity_percent=None, fix_activity_test_date=None)
    c["current_prophylaxis"] = draw(st.sampled_from(["non_factor", "factor_ix", "none"]))
    c["non_factor_agent"] = draw(st.sampled_from(["alhemo", "hympavzi", "qfitlia"])) \
        if c["current_prophylaxis"] == "non_factor" else None
    c["fix_exposure_days"] = draw(st.integers(0, 10000)) \
        if c["current_prophylaxis"] == "factor_ix" else None
    if not draw(st.booleans()):
        c.update(aav5_nab_evaluated=False, aav5_nab_csl_test=None, aav5_nab_result=None,
                 aav5_nab_titer=None, aav5_nab_test_date=None)
    else:
        c["aav5_nab_result"] = draw(st.sampled_from(["not_detected", "detected"]))
        c["aav5_nab_titer"] = draw(st.integers(1, 10**9)) \
            if c["aav5_nab_result"] == "detected" else None
    if draw(st.booleans()):
        c.update(hiv_status="positive", hiv_on_antiretroviral_therapy=draw(st.booleans()),
                 hiv_viral_load_copies_ml=draw(lab_values(10**6)),
                 hiv_viral_load_date=iso(-57))
    if draw(st.booleans()):
        c.update(hcv_antibody="positive", hcv_rna=draw(st.sampled_from(["negative", "positive"])))
    c["liver_imaging"] = draw(st.sampled_from(["ultrasound", "elastography", "both", "none"]))
    if c["liver_imaging"] == "none":
        c["liver_imaging_date"] = None
    return approvable_case(**c)


@settings(max_examples=150, deadline=None)
@given(case=cases())
def test_a_response_written_and_read_back_gives_the_same_answers(case):
    assert round_trip(case) == exact(case)


def test_factor_ix_in_iu_per_ml_is_read_as_percent():
    response = json.loads(fhir.dumps(fhir.build_response(
        approvable_case(fix_activity_percent="<1"), version=policy.CURRENT, status="completed")))
    for group in response["item"]:
        for item in group["item"]:
            if item["linkId"] == "fix_activity_percent":
                item["answer"] = [{"valueQuantity": {"value": 0.005, "comparator": "<",
                                                     "system": codes.UCUM, "code": "[IU]/mL"}}]
    _, read = importing.read(json.dumps(response), as_of=AS_OF)
    assert read["fix_activity_percent"] == "<0.5"


def problems_of(response: dict) -> dict[str, str]:
    with pytest.raises(importing.ImportRefused) as caught:
        importing.read(json.dumps(response), as_of=AS_OF)
    return {p.key: p.message for p in caught.value.problems}


def base_response(**changes) -> dict:
    return json.loads(fhir.dumps(fhir.build_response(
        approvable_case(**changes), version=policy.CURRENT, status="in-progress")))


def set_answer(response: dict, link_id: str, answer: list | None) -> dict:
    for group in response["item"]:
        for item in group["item"]:
            if item["linkId"] == link_id:
                if answer is None:
                    group["item"].remove(item)
                else:
                    item["answer"] = answer
                return response
    response["item"][0]["item"].append({"linkId": link_id, "answer": answer})
    return response


def test_every_problem_is_named_by_link_id():
    response = base_response()
    set_answer(response, "weight_kg", [{"valueDecimal": 300}])
    set_answer(response, "diagnosis", [{"valueCoding": {"system": codes.ANSWER_SYSTEM,
                                                        "code": "hemophilia_c"}}])
    set_answer(response, "inhibitor_screen_bu", [{"valueQuantity": {"value": 0.5,
                                                                     "comparator": ">"}}])
    set_answer(response, "hiv_status", [{"valueString": "negative"}])
    set_answer(response, "hcv_rna", [{"valueCoding": {"code": "negative"}}])
    set_answer(response, "favourite_colour", [{"valueString": "blue"}])
    set_answer(response, "member_id", [{"valueString": "A"}, {"valueString": "B"}])
    set_answer(response, "site_of_care_npi", [{"valueString": "1234567890"}])
    set_answer(response, "fix_exposure_days", [{"valueInteger": 1.5}])
    found = problems_of(response)
    assert set(found) == {"weight_kg", "diagnosis", "inhibitor_screen_bu", "hiv_status",
                          "hcv_rna", "favourite_colour", "member_id", "site_of_care_npi",
                          "fix_exposure_days"}, found
    assert "at most 250" in found["weight_kg"]
    assert "hemophilia_c" in found["diagnosis"]
    assert '">"' in found["inhibitor_screen_bu"]
    assert "valueCoding" in found["hiv_status"]
    assert "not asked" in found["hcv_rna"]
    assert "one answer" in found["member_id"]


@pytest.mark.parametrize("change,key", [
    ({"questionnaire": "http://elsewhere.example/Questionnaire/x"}, "questionnaire"),
    ({"questionnaire": f"{codes.QUESTIONNAIRE_URL}|1999X"}, "questionnaire"),
    ({"status": "entered-in-error"}, "status"),
    ({"resourceType": "Patient"}, "resourceType"),
])
def test_the_response_itself_must_be_ours(change, key):
    assert key in problems_of({**base_response(), **change})


def test_not_json_is_refused():
    with pytest.raises(importing.ImportRefused) as caught:
        importing.read(b"{not json", as_of=AS_OF)
    assert caught.value.problems[0].key == "(file)"


def test_a_partial_response_is_a_draft_to_finish():
    response = base_response()
    set_answer(response, "weight_kg", None)
    set_answer(response, "hbsag", None)
    _, read = importing.read(json.dumps(response), as_of=AS_OF)
    assert "weight_kg" not in read and read["diagnosis"] == "hemophilia_b"
    assert importing.first_open_step(read) == "patient"
    assert importing.first_open_step(exact(approvable_case())) == "review"


# --------------------------------------------------------------------------
# Through the database: export, command, upload.
# --------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


def exported_response(client, user, req) -> str:
    client.force_login(user)
    bundle = fhir.parse(Bundle, client.get(f"/requests/{req.pk}/fhir.json").content)
    (response,) = [e.resource for e in bundle.entry
                   if e.resource.get_resource_type() == "QuestionnaireResponse"]
    return fhir.dumps(response)


@pytestmark_db
def test_export_then_command_import_gives_the_same_answers(client, prescriber, make_draft,
                                                           tmp_path):
    case = approvable_case(fix_activity_percent="<1", weight_kg=Decimal("72.345"),
                           inhibitor_screen_bu=Decimal("0.59999999999999999999"))
    original = make_draft(case)
    path = tmp_path / "response.json"
    path.write_text(exported_response(client, prescriber, original))
    out = io.StringIO()
    call_command("import_questionnaire_response", str(path), "--prescriber", "prescriber",
                 stdout=out)
    imported = AuthorizationRequest.objects.exclude(pk=original.pk).get()
    assert imported.number in out.getvalue()
    assert (imported.status, imported.prescriber, imported.htc) == (
        "draft", prescriber, prescriber.prescriber.htc)
    assert imported.answers == exact(case)
    assert imported.wizard_step == "review"
    event = AuditEvent.objects.get(action="fhir_import")
    assert event.detail["via"] == "command" and event.object_id == str(imported.pk)


@pytestmark_db
def test_command_prints_each_problem_and_imports_nothing(prescriber, tmp_path, capsys):
    path = tmp_path / "response.json"
    path.write_text(json.dumps(set_answer(base_response(), "weight_kg",
                                          [{"valueDecimal": 9}])))
    err = io.StringIO()
    before = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_questionnaire_response", str(path), "--prescriber", "prescriber",
                     stderr=err)
    assert err.getvalue().startswith("weight_kg: must be at least 20")
    assert not AuthorizationRequest.objects.exists()
    assert AuditEvent.objects.count() == before
    with pytest.raises(CommandError, match="is not a prescriber"):
        call_command("import_questionnaire_response", str(path), "--prescriber", "nobody")


@pytestmark_db
def test_a_failure_while_writing_leaves_nothing(prescriber, monkeypatch):

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(importing, "request_save_draft", broken)
    with pytest.raises(RuntimeError):
        importing.import_questionnaire_response(
            by=prescriber, htc=prescriber.prescriber.htc, text=json.dumps(base_response()),
            via="upload")
    assert not AuthorizationRequest.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["create", "fhir_import"],
                                         object_type="AuthorizationRequest").exists()


@pytestmark_db
def test_upload_page_creates_a_draft_and_opens_the_wizard(client, prescriber):
    client.force_login(prescriber)
    page = client.get("/requests/import/")
    assert page.status_code == 200 and b'type="file"' in page.content
    upload = SimpleUploadedFile("response.json", json.dumps(base_response()).encode(),
                                content_type="application/fhir+json")
    response = client.post("/requests/import/", {"file": upload})
    req = AuthorizationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{req.pk}/edit/"
    assert req.answers == exact(approvable_case())


@pytestmark_db
def test_upload_page_lists_problems_by_link_id(client, prescriber):
    client.force_login(prescriber)
    bad = set_answer(base_response(), "date_of_birth", [{"valueDate": "2099-01-01"}])
    upload = SimpleUploadedFile("response.json", json.dumps(bad).encode())
    response = client.post("/requests/import/", {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "date_of_birth</code>: must not be in the future" in page
    assert 'href="#import-problems"' in page
    assert not AuthorizationRequest.objects.exists()
    assert client.post("/requests/import/", {}).status_code == 400


@pytestmark_db
def test_the_dashboard_links_the_upload(client, prescriber):
    client.force_login(prescriber)
    assert b'href="/requests/import/"' in client.get("/requests/").content


def test_date_answers_are_full_dates():
    response = set_answer(base_response(), "date_of_birth", [{"valueDate": "1985-04"}])
    assert "full date" in problems_of(response)["date_of_birth"]
    assert date(1985, 4, 12).isoformat() == exact(approvable_case())["date_of_birth"]


def test_a_flood_of_items_is_refused_before_any_model_is_built(monkeypatch):
    """N1 (hardening round 3): 19,000 copies of one bad item (836 KB) cost 24 s of
    validation, up to 10 passes. Now the item count is checked on the raw JSON
    and the resource is never validated."""
    validated = []
    monkeypatch.setattr(importing.jsonio, "parse",
                        lambda *args: validated.append(args) or pytest.fail("validated"))
    response = base_response()
    response["item"] = [{"linkId": "w", "answer": [{"valueDate": "x"}]}] * 19_000
    text = json.dumps(response)
    assert 800_000 < len(text) < importing.MAX_BYTES
    found = problems_of(response)
    assert found == {"(file)": f"has more than {importing.MAX_NODES} items and answers; "
                               "a full response has about 60"}
    assert validated == []


def test_bad_answers_are_set_aside_in_one_validation_pass(monkeypatch):
    """Every bad answer is named, and the resource is validated once."""
    calls = []
    real = importing.jsonio.parse
    monkeypatch.setattr(importing.jsonio, "parse", lambda *a: calls.append(1) or real(*a))
    response = base_response()
    for key in ("date_of_birth", "fix_activity_test_date", "inhibitor_screen_date"):
        set_answer(response, key, [{"valueDate": "x"}])
    found = problems_of(response)
    assert {"date_of_birth", "fix_activity_test_date", "inhibitor_screen_date"} <= set(found)
    assert "valueDate" in found["date_of_birth"]
    assert calls == [1]


def _nested(depth: int) -> list:
    items: list = [{"linkId": "deepest", "answer": [{"valueString": "x"}]}]
    for level in range(depth):
        items = [{"linkId": f"group-{level}", "item": items}]
    return items


def test_items_nested_150_deep_are_a_problem_not_a_recursion_error():
    """N5 (hardening round 3): 150 levels of items raised RecursionError (a 500)."""
    response = {**base_response(), "item": _nested(150)}
    found = problems_of(response)
    assert list(found.values()) == [f"items are nested more than {importing.MAX_DEPTH} "
                                    "levels deep"]
    assert next(iter(found)).startswith("group-")


def test_a_nul_character_is_named_by_its_link_id():
    """N5: PostgreSQL refuses NUL in text; the import says which answer."""
    response = set_answer(base_response(), "patient_first_name", [{"valueString": "A\x00da"}])
    assert problems_of(response) == {"patient_first_name": "contains a NUL character"}


@pytestmark_db
def test_the_upload_page_is_throttled_per_prescriber(client, prescriber, monkeypatch):
    """N1: each upload is parsed on a web worker; one account may not tie them up."""
    from authorizations.fhir import views as fhir_views

    monkeypatch.setattr(fhir_views, "UPLOADS_PER_HOUR", 2)
    client.force_login(prescriber)
    bad = json.dumps(set_answer(base_response(), "weight_kg", [{"valueDecimal": 300}]))
    for _ in range(2):
        response = client.post("/requests/import/",
                               {"file": SimpleUploadedFile("r.json", bad.encode())})
        assert response.status_code == 400
    response = client.post("/requests/import/",
                           {"file": SimpleUploadedFile("r.json", bad.encode())})
    assert response.status_code == 429
    assert "You have uploaded 2 files in the last hour" in response.content.decode()
    assert not AuthorizationRequest.objects.exists()
