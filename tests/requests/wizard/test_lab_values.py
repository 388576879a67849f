"""The wizard reads values the way clinicians and labs write them (data
dictionary version 3), and says how to fix what it cannot read."""

import re
from decimal import Decimal

import pytest

from authorizations.requests.wizard.forms import STEP_FORMS
from tests.cases import days, iso
from tests.factories import approvable_case
from tests.walker import step_post_data

pytestmark = pytest.mark.django_db


def post_step(walker, step, case, **fields):
    walker.walk_to(step, case)
    data = step_post_data(step, case, prefix=walker.prefix)
    data.update({f"{step}-{k}": v for k, v in fields.items()})
    return walker.post(data)


@pytest.mark.parametrize("typed, unit, stored", [
    ("0.5", "percent", Decimal("0.5")),
    ("<1", "percent", "<1"),
    ("< 1 %", "percent", "<1"),
    ("0.005 IU/mL", "", Decimal("0.5")),  # a unit typed with the value is a choice
    ("0.005 IU/mL", "iu_ml", Decimal("0.5")),
    ("0.005", "iu_ml", Decimal("0.5")),
    ("<0.01", "iu_ml", "<1"),
])
def test_factor_ix_as_labs_report_it(walker, typed, unit, stored):
    response = post_step(walker, "diagnosis", approvable_case(), fix_activity_percent=typed,
                         fix_activity_unit=unit)
    assert response.status_code == 302
    assert walker.request().answers["fix_activity_percent"] == stored


@pytest.mark.parametrize("typed, message", [
    ("about one", "Enter factor IX activity as a number, for example 0.5 or &lt;1"),
    ("2 IU/mL", "must be at least 0 and less than 200% of normal"),
    ("1e600000", "must be at least 0 and less than 200"),
    ("9" * 5000, "must be at least 0 and less than 200"),
])
def test_factor_ix_errors_say_how_to_fix(walker, typed, message):
    unit = "iu_ml" if "IU/mL" in typed else "percent"
    response = post_step(walker, "diagnosis", approvable_case(), fix_activity_percent=typed,
                         fix_activity_unit=unit)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_factor_ix_unit_is_chosen_never_guessed(walker):
    response = post_step(walker, "diagnosis", approvable_case(), fix_activity_percent="0.5",
                         fix_activity_unit="")
    units = re.findall(r'<input[^>]*name="diagnosis-fix_activity_unit"[^>]*>',
                       walker.page.content.decode())
    assert len(units) == 2 and not any("checked" in unit for unit in units)  # none preselected
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose the unit of factor IX activity: % of normal or IU/mL" in page
    assert 'value="0.5"' in page  # what was typed is kept


def test_a_unit_typed_against_the_unit_chosen_is_asked_about(walker):
    response = post_step(walker, "diagnosis", approvable_case(),
                         fix_activity_percent="0.005 IU/mL", fix_activity_unit="percent")
    assert response.status_code == 200
    assert "The value is typed in IU/mL but the unit chosen is % of normal: make them the " \
           "same" in response.content.decode()


@pytest.mark.parametrize("typed, unit, stored, words", [
    ("0.01", "percent", Decimal("0.01"),
     "Check the unit: 0.01% of normal is unusual for hemophilia B, but 0.01 IU/mL (1% of "
     "normal) is not."),
    ("1", "iu_ml", 100,
     "Check the unit: 1 IU/mL (100% of normal) is unusual for hemophilia B, but 1% of normal "
     "is not."),
])
def test_a_value_that_fits_only_the_other_unit_asks_to_be_confirmed(walker, typed, unit, stored,
                                                                      words):
    response = post_step(walker, "diagnosis", approvable_case(), fix_activity_percent=typed,
                         fix_activity_unit=unit)
    assert response.status_code == 200
    page = response.content.decode()
    assert words in page
    assert f'value="{typed}"' in page  # kept as typed
    assert 'name="diagnosis-fix_activity_confirmed"' in page  # the checkbox, with the message
    confirmed = post_step(walker, "diagnosis", approvable_case(), fix_activity_percent=typed,
                          fix_activity_unit=unit, fix_activity_confirmed="on")
    assert confirmed.status_code == 302
    assert walker.request().answers["fix_activity_percent"] == stored


def test_a_plausible_value_asks_nothing(walker):
    response = post_step(walker, "diagnosis", approvable_case(), fix_activity_percent="0.5",
                         fix_activity_unit="percent")
    assert response.status_code == 302
    assert walker.page.status_code == 200
    assert 'name="diagnosis-fix_activity_confirmed"' not in walker.page.content.decode()


@pytest.mark.parametrize("typed, stored", [("0", 0), ("<0.5", "<0.5"),
                                           ("negative (<0.5)", "<0.5"),
                                           ("Negative, < 0.5 BU", "<0.5"),
                                           ("0.59999999999999999999",
                                            Decimal("0.59999999999999999999"))])
def test_inhibitor_screen_as_labs_report_it(walker, typed, stored):
    response = post_step(walker, "inhibitors", approvable_case(), inhibitor_screen_bu=typed)
    assert response.status_code == 302
    assert walker.request().answers["inhibitor_screen_bu"] == stored


def test_a_negative_screen_needs_its_cut_off(walker):
    response = post_step(walker, "inhibitors", approvable_case(), inhibitor_screen_bu="negative")
    assert "A negative result needs the lab&#x27;s cut-off" in response.content.decode()


def test_exact_decimal_is_kept_through_the_database(walker):
    from authorizations.models import AuthorizationRequest

    post_step(walker, "inhibitors", approvable_case(), inhibitor_screen_bu="0.59999999999999999999")
    fresh = AuthorizationRequest.objects.get(pk=walker.pk)
    assert fresh.answers["inhibitor_screen_bu"] == Decimal("0.59999999999999999999")


@pytest.mark.parametrize("typed, stored", [("1:678", 678), ("678", 678), ("1 : 198", 198)])
def test_titer_as_written_on_the_report(walker, typed, stored):
    response = post_step(walker, "aav5", approvable_case(), aav5_nab_titer=typed)
    assert response.status_code == 302
    assert walker.request().answers["aav5_nab_titer"] == stored


def test_not_detected_is_a_result_and_asks_no_titer(walker):
    # Version 2 stored "not detected" as a null titer (a ticked box beside it);
    # version 3 asks for the result, and a titer only when it is detected.
    case = approvable_case(aav5_nab_result="not_detected", aav5_nab_titer=None)
    response = post_step(walker, "aav5", case)
    assert response.status_code == 302
    answers = walker.request().answers
    assert answers["aav5_nab_result"] == "not_detected" and "aav5_nab_titer" not in answers


def test_a_titer_sent_with_not_detected_is_dropped_not_kept(walker):
    # Hidden by the script; without it the server drops the hidden answer.
    case = approvable_case(aav5_nab_result="not_detected", aav5_nab_titer=None)
    response = post_step(walker, "aav5", case, aav5_nab_titer="57")
    assert response.status_code == 302
    assert "aav5_nab_titer" not in walker.request().answers


@pytest.mark.parametrize("fields, message", [
    ({"aav5_nab_result": ""}, "Select the AAV5 antibody test result"),
    ({"aav5_nab_titer": ""}, "Enter the AAV5 antibody titer"),
    ({"aav5_nab_titer": "0"}, "The AAV5 antibody titer must be at least 1"),
    ({"aav5_nab_titer": "1:0"}, "The AAV5 antibody titer must be at least 1"),
])
def test_the_result_and_a_detected_titer_are_required(walker, fields, message):
    response = post_step(walker, "aav5", approvable_case(), **fields)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_the_aav5_result_is_offered_as_two_choices(walker):
    walker.walk_to("aav5", approvable_case())
    html = walker.page.content.decode()
    assert 'name="aav5-aav5_nab_result" value="not_detected"' in html
    assert 'name="aav5-aav5_nab_result" value="detected"' in html
    assert "aav5_nab_titer_not_detected" not in html


HIV_POSITIVE = dict(hiv_status="positive", hiv_on_antiretroviral_therapy=True,
                    hiv_viral_load_copies_ml="<20", hiv_viral_load_date=iso(-26))


@pytest.mark.parametrize("typed, stored", [("<20", "<20"), ("< 20 copies/mL", "<20"),
                                           ("50", 50), ("199.5", Decimal("199.5"))])
def test_hiv_viral_load_as_labs_report_it(walker, typed, stored):
    response = post_step(walker, "viral", approvable_case(**HIV_POSITIVE),
                         hiv_viral_load_copies_ml=typed)
    assert response.status_code == 302
    assert walker.request().answers["hiv_viral_load_copies_ml"] == stored


@pytest.mark.parametrize("typed, message", [
    ("<0", "below a number above 0"),
    ("-5", "must be at least 0"),
    ("20 IU/mL", "Enter the HIV viral load in copies/mL as a number, for example 50 or &lt;20"),
    ("lots", "Enter the HIV viral load in copies/mL as a number, for example 50 or &lt;20"),
])
def test_hiv_viral_load_errors_say_how_to_fix(walker, typed, message):
    response = post_step(walker, "viral", approvable_case(**HIV_POSITIVE),
                         hiv_viral_load_copies_ml=typed)
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize("typed, message", [
    (f"{days(1):%m/%d/%Y}", "The date the weight was measured must be today or in the past"),
    ("04/11/1985", "The date the weight was measured must not be before the date of birth"),
    ("", "Enter the date the weight was measured"),
])
def test_weight_date_is_a_test_date_on_the_patient_step(walker, typed, message):
    data = step_post_data("patient", approvable_case(), prefix="request_new")
    data["patient-weight_date"] = typed
    response = walker.post(data)
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize("typed, ok", [(f"{days(-1):%m/%d/%Y}", False),
                                       (f"{days(0):%m/%d/%Y}", True),
                                       (f"{days(13):%m/%d/%Y}", True), ("", True)])
def test_planned_infusion_date_is_not_before_today(walker, typed, ok):
    response = post_step(walker, "administration", approvable_case(),
                         planned_infusion_date=typed)
    assert (response.status_code == 302) is ok
    if not ok:
        assert "The planned infusion date must be today or later" in response.content.decode()


def test_aav5_step_states_the_678_reference_and_its_source(walker):
    walker.walk_to("aav5", approvable_case())
    html = walker.page.content.decode()
    assert "1:678" in html and "HOPE-B" in html


def test_the_3212_titer_goes_to_a_reviewer_not_an_authorization(walker):
    case = approvable_case(aav5_nab_titer=3212)
    walker.walk_to("review", case)
    assert "1:3212 is above 1:678" in walker.page.content.decode()
    walker.submit_step(case, **{"review-expedited": "no"})
    req = walker.request()
    assert req.status == "pending_review" and req.unmet == ["aav5_antibodies"]


@pytest.mark.parametrize("typed", ["2e13", "2 x 10^13", "2×10¹³", "2.0E+13", "2 × 10¹³"])
def test_dose_in_every_notation(walker, typed):
    response = post_step(walker, "dosing", approvable_case(), dose_gc_per_kg=typed)
    assert response.status_code == 302
    assert Decimal(walker.request().answers["dose_gc_per_kg"]) == Decimal("2e13")


def test_site_of_care_npi_check_digit(walker):
    response = post_step(walker, "administration", approvable_case(),
                         site_of_care_npi="1234567890")
    assert "not a valid NPI" in response.content.decode()
    ok = post_step(walker, "administration", approvable_case(), site_of_care_npi="1234567893")
    assert ok.status_code == 302


def test_review_shows_each_test_age_and_warns_about_a_late_infusion(walker):
    case = approvable_case(planned_infusion_date="2099-01-01")
    walker.walk_to("review", case)
    html = walker.page.content.decode()
    assert "days before submission)" in html
    assert "The planned infusion date falls after the authorization would end" in html
    assert "Submitting signs the attestations above as" in html


def test_expedited_is_asked_only_when_a_reviewer_will_decide(walker):
    walker.walk_to("review", approvable_case())
    assert "expedited" not in walker.page.context["wizard"]["form"].fields
    pended = approvable_case(hbsag="positive")
    walker.follow(f"/requests/{walker.pk}/edit/viral/")
    walker.submit_step(pended)
    walker.follow(f"/requests/{walker.pk}/edit/review/")
    assert "expedited" in walker.page.context["wizard"]["form"].fields


def test_a_confirmed_value_shown_again_stays_confirmed():
    """A saved 0.01% was confirmed when it was saved: shown again (Back, a
    change from the review), it is not asked about a second time."""
    form_class = STEP_FORMS["diagnosis"]
    raw = form_class.raw_data(approvable_case(fix_activity_percent=Decimal("0.01")))
    assert raw["fix_activity_confirmed"] == "on"
    form = form_class(data={f"diagnosis-{k}": v for k, v in raw.items()}, prefix="diagnosis")
    assert form.is_valid(), form.errors
    assert form.answers()["fix_activity_percent"] == Decimal("0.01")
