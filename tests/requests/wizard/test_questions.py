"""Each conditional question is asked exactly when its "asked when" holds;
forms check input only and say how to fix it."""

import re
from html.parser import HTMLParser

import pytest

from authorizations.models import HTC
from authorizations.policy import QUESTION_BY_KEY, QUESTIONS
from authorizations.requests.wizard import STEPS
from authorizations.requests.wizard.forms import STEP_FORMS
from tests.cases import iso
from tests.factories import approvable_case
from tests.walker import step_post_data

pytestmark = pytest.mark.django_db

STEP_OF = {key: step for step, form in STEPS for key in form.keys}
IN_STEP = [q for q in QUESTIONS if q.asked_when and STEP_OF[q.asked_when.key] == STEP_OF[q.key]]
OTHER_VALUE = {"diagnosis": "hemophilia_a", "current_prophylaxis": "none",
               "aav5_nab_evaluated": False, "aav5_nab_result": "not_detected",
               "hiv_status": "negative", "hcv_antibody": "negative",
               "liver_enzymes_tested": False, "liver_imaging": "none"}
HIV_POSITIVE = {"hiv_status": "positive", "hiv_on_antiretroviral_therapy": True,
                "hiv_viral_load_copies_ml": "<20", "hiv_viral_load_date": iso(-26)}
ASKING_CASE = {"severity": {}, "fix_activity_percent": {},
               "non_factor_agent": {"current_prophylaxis": "non_factor",
                                    "non_factor_agent": "qfitlia", "fix_exposure_days": None},
               "fix_exposure_days": {},
               "aav5_nab_csl_test": {}, "aav5_nab_result": {}, "aav5_nab_titer": {},
               "aav5_nab_test_date": {},
               "fix_activity_test_date": {}, "liver_tests_date": {}, "liver_imaging_date": {},
               "hiv_on_antiretroviral_therapy": HIV_POSITIVE,
               "hiv_viral_load_copies_ml": HIV_POSITIVE, "hiv_viral_load_date": HIV_POSITIVE,
               "hcv_rna": {"hcv_antibody": "positive", "hcv_rna": "negative"}}


def test_every_in_step_condition_is_covered():
    assert {q.key for q in IN_STEP} == set(ASKING_CASE)


class _Groups(HTMLParser):
    """The conditional groups (reveal boxes) enclosing each input, innermost last."""

    def __init__(self):
        super().__init__()
        self.open: list[dict | None] = []  # per open div: its attributes when a reveal box
        self.enclosing: dict[str, list[dict]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div":
            self.open.append(attrs if (attrs.get("id") or "").startswith("reveal-") else None)
        elif tag in ("input", "select", "textarea") and attrs.get("name"):
            self.enclosing.setdefault(attrs["name"], [a for a in self.open if a])

    def handle_endtag(self, tag):
        if tag == "div" and self.open:
            self.open.pop()


def _walk_to(walker, step, case):
    walker.walk_to(step, case)
    assert walker.step == step


@pytest.mark.parametrize("question", IN_STEP, ids=lambda q: q.key)
def test_conditional_question_carries_its_condition_for_the_script(walker, question):
    step = STEP_OF[question.key]
    _walk_to(walker, step, approvable_case(**ASKING_CASE[question.key]))
    html = walker.page.content.decode()
    # The question sits in a revealed group of its own condition; the questions
    # asked on the same answer share one group and one caption, and a question
    # asked on an answer inside a group (the titer, on the result) is a group
    # within it, hidden with it.
    groups = _Groups()
    groups.feed(html)
    box = groups.enclosing[f"{step}-{question.key}"][-1]
    assert box["data-asked-when"] == f"{step}-{question.asked_when.key}"
    # Shown by the server either way: without the script every question shows.
    assert "hidden" not in box
    # The trigger names what it reveals.
    assert re.search(rf'name="{step}-{question.asked_when.key}"[^>]*aria-controls="[^"]*'
                     rf'{box["id"]}', html)
    start = html.index(f'id="{box["id"]}"')
    assert html[start:].index("conditional-reveal__hint") < html[start:].index("<input")


def test_the_titer_is_revealed_within_the_aav5_group_on_a_detected_result(walker):
    # Without nesting, "not evaluated" would hide the result but leave a titer
    # shown for a result still ticked "detected".
    _walk_to(walker, "aav5", approvable_case())
    groups = _Groups()
    groups.feed(walker.page.content.decode())
    enclosing = groups.enclosing["aav5-aav5_nab_titer"]
    assert [(g["data-asked-when"], g["data-asked-values"]) for g in enclosing] == [
        ("aav5-aav5_nab_evaluated", '["yes"]'), ("aav5-aav5_nab_result", '["detected"]')]
    assert len(groups.enclosing["aav5-aav5_nab_test_date"]) == 1


@pytest.mark.parametrize("question", IN_STEP, ids=lambda q: q.key)
def test_conditional_question_is_required_exactly_when_asked(walker, question):
    step = STEP_OF[question.key]
    case = approvable_case(**ASKING_CASE[question.key])
    _walk_to(walker, step, case)
    # Asked, left empty: an error names it (unless null is a real answer).
    data = step_post_data(step, {**case, question.key: None}, prefix=walker.prefix)
    response = walker.post(data)
    if question.nullable:
        assert response.status_code == 302
        assert walker.request().answers[question.key] is None
        walker.follow(f"/requests/{walker.pk}/edit/{step}/")
    else:
        assert response.status_code == 200
        assert question.key in response.context["wizard"]["form"].errors
    # Not asked, but a value sent anyway (no script): not required, and dropped.
    trigger = question.asked_when.key
    not_asked = {**case, trigger: OTHER_VALUE[trigger]}
    data = step_post_data(step, not_asked, prefix=walker.prefix)
    data[f"{step}-{question.key}"] = step_post_data(step, case, prefix="x").get(
        f"{step}-{question.key}", "5")
    response = walker.post(data)
    assert response.status_code == 302, response.context["wizard"]["form"].errors
    assert question.key not in walker.request().answers


@pytest.mark.parametrize("severity, asked", [("moderately_severe", True), ("severe", False),
                                             ("moderate", False), ("mild", False)])
def test_bleeding_history_step_only_for_moderately_severe(walker, severity, asked):
    case = approvable_case(severity=severity, fix_activity_percent=1.5,
                           life_threatening_hemorrhage=True,
                           repeated_serious_spontaneous_bleeding=True)
    walker.submit_step(case)
    walker.submit_step(case)
    assert (walker.step == "bleeding") is asked
    assert ("Bleeding history" in walker.page.content.decode()) is asked
    for key in ("life_threatening_hemorrhage", "repeated_serious_spontaneous_bleeding"):
        assert QUESTION_BY_KEY[key].is_asked(walker.request().answers) is asked


def test_bleeding_history_step_skipped_for_hemophilia_a(walker):
    case = approvable_case(diagnosis="hemophilia_a", severity=None, fix_activity_percent=None)
    walker.submit_step(case)
    walker.submit_step(case)
    assert walker.step == "prophylaxis"
    assert "severity" not in walker.request().answers


def test_review_lists_only_asked_questions(walker):
    case = approvable_case(**HIV_POSITIVE)
    walker.walk_to("review", case)
    html = walker.page.content.decode()
    assert QUESTION_BY_KEY["hiv_viral_load_copies_ml"].label in html
    assert QUESTION_BY_KEY["non_factor_agent"].label not in html
    assert QUESTION_BY_KEY["life_threatening_hemorrhage"].label not in html
    for step, _form in STEPS[:-1]:
        if step != "bleeding":
            assert f'href="/requests/{walker.pk}/edit/{step}/?change"' in html


def test_yes_no_questions_are_explicit_choices_and_attestations_are_ticked(walker):
    html = walker.page.content.decode()
    assert 'type="checkbox"' not in html
    walker.walk_to("administration", approvable_case())
    html = walker.page.content.decode()
    assert html.count('value="yes"') == html.count('value="no"') == 1
    walker.submit_step(approvable_case())
    html = walker.page.content.decode()
    # Statements the prescriber ticks, none ticked for them.
    assert html.count('type="checkbox"') == 4
    assert 'checked' not in html
    assert "I attest that" in html
    assert html.count("it does not affect the coverage decision") == 2


def test_empty_step_shows_an_error_summary_linking_each_field(walker):
    response = walker.post({"request_new-current_step": "patient"})
    html = response.content.decode()
    assert "There is a problem" in html
    assert "<title>Error: Patient" in html
    for key, message in [("patient_first_name", "Enter the patient&#x27;s first name"),
                         ("member_id", "Enter the member ID"),
                         ("date_of_birth", "Enter the date of birth"),
                         ("weight_kg", "Enter the body weight in kg")]:
        assert f'href="#id_patient-{key}">{message}' in html
        # The error is tied to its field.
        assert re.search(rf'id="id_patient-{key}"[^>]*aria-describedby="[^"]*'
                         rf'id_patient-{key}_error', html) or \
            re.search(rf'aria-describedby="[^"]*id_patient-{key}_error[^"]*"[^>]*'
                      rf'id="id_patient-{key}"', html)


@pytest.mark.parametrize("field, value, message", [
    ("member_id", "UHC 1/2", "Enter the member ID using only letters, digits, dashes and "
                             "spaces"),
    ("date_of_birth", "31/31/1985", "Enter the date of birth as a real date"),
    ("date_of_birth", "2999-01-01", "The date of birth must be today or in the past"),
    ("weight_kg", "heavy", "Enter the body weight in kg as a number, for example 72"),
    ("weight_kg", "300", "The body weight in kg must be at least 20 and at most 250"),
])
def test_patient_errors_say_how_to_fix(walker, field, value, message):
    data = step_post_data("patient", approvable_case(), prefix="request_new")
    data[f"patient-{field}"] = value
    response = walker.post(data)
    assert message in response.content.decode()


def test_factor_ix_error_gives_an_example(walker, case):
    walker.submit_step(case)
    data = step_post_data("diagnosis", case, prefix=walker.prefix)
    data["diagnosis-fix_activity_percent"] = "abc"
    response = walker.post(data)
    assert "Enter factor IX activity as a number, for example 0.5" in response.content.decode()


def test_factor_ix_in_iu_per_ml_is_stored_as_percent(walker, case):
    walker.submit_step(case)
    data = step_post_data("diagnosis", case, prefix=walker.prefix)
    data["diagnosis-fix_activity_percent"] = "0.005"
    data["diagnosis-fix_activity_unit"] = "iu_ml"
    walker.post(data)
    assert walker.request().answers["fix_activity_percent"] == 0.5


def test_a_failed_criterion_is_never_a_form_error(walker):
    case = approvable_case(date_of_birth="2015-01-01", dose_gc_per_kg=3e13, hbsag="positive")
    assert walker.walk_to("review", case)
    assert b"not met" in walker.page.content


def test_htc_designation_and_specialist_status_are_facts_not_questions(walker, prescriber):
    case = approvable_case(htc_federally_designated=True)
    steps = walker.walk_to("review", case)
    assert "prescriber" not in steps
    html = walker.page.content.decode()
    assert "Bleeding disorder specialist on staff at the HTC" in html
    assert "htc_federally_designated" not in walker.request().answers
    # Read at submission: a designation lost since the draft counts.
    HTC.objects.filter(pk=prescriber.prescriber.htc_id).update(federally_designated=False)
    walker.post(step_post_data("review", case, prefix=walker.prefix))
    req = walker.request()
    assert req.answers["htc_federally_designated"] is False
    assert req.status == "pending_review" and "prescriber_htc" in req.unmet


def test_dosing_step_shows_total_dose_volume_and_vials(walker, case):
    walker.walk_to("dosing", case)
    html = walker.page.content.decode()
    assert "2 × 10¹³ genome copies per kg" in html
    assert "1.44 × 10¹⁵ genome copies" in html
    assert "144 mL" in html
    assert "<dd>15</dd>" in html
    assert walker.page.context["wizard"]["form"]["dose_gc_per_kg"].value() == "2 × 10¹³"


def test_dosing_step_says_when_the_largest_kit_is_not_enough(walker):
    case = approvable_case(weight_kg=245)
    walker.walk_to("dosing", case)
    assert "more than the largest kit of 48 vials" in walker.page.content.decode()


def test_unit_choice_is_a_form_field_only():
    assert "fix_activity_unit" not in QUESTION_BY_KEY
    assert "fix_activity_unit" in STEP_FORMS["diagnosis"]().fields
