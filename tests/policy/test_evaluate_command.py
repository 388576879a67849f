"""`manage.py evaluate`, as section 3 of the data dictionary describes it."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from authorizations.policy import values
from tests.cases import AS_OF, days, iso, long_date, years_before
from tests.factories import approvable_case, submitted_request


def evaluate(tmp_path, data, *args, stdin=None, monkeypatch=None):
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(values.dumps(data)))
        source = "-"
    else:
        source = tmp_path / "case.json"
        source.write_text(values.dumps(data))
    call_command("evaluate", str(source), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_one_case_meets_criteria(tmp_path):
    out, err = evaluate(tmp_path, approvable_case(), "--as-of", iso(0))
    # Version 3's output lists the review flags (data dictionary, section 3).
    assert json.loads(out) == {"outcome": "meets_criteria", "unmet": [], "review_flags": [],
                               "policy": "2026D0120K"}
    assert err == ""


@pytest.mark.django_db
def test_array_of_cases_gives_an_array(tmp_path):
    cases = [approvable_case(), approvable_case(date_of_birth="2010-01-01", hbsag="positive")]
    out, _ = evaluate(tmp_path, cases, "--as-of", iso(0))
    assert json.loads(out) == [
        {"outcome": "meets_criteria", "unmet": [], "review_flags": [], "policy": "2026D0120K"},
        {"outcome": "not_met", "unmet": ["age", "hepatitis_b"], "review_flags": [],
         "policy": "2026D0120K"},
    ]


@pytest.mark.django_db
def test_reads_standard_input(tmp_path, monkeypatch):
    out, _ = evaluate(tmp_path, approvable_case(hiv_status="positive",
                                                hiv_on_antiretroviral_therapy=True,
                                                hiv_viral_load_copies_ml=200,
                                                hiv_viral_load_date=iso(-26)),
                      "--as-of", iso(0), stdin=True, monkeypatch=monkeypatch)
    assert json.loads(out)["unmet"] == ["hiv"]


@pytest.mark.django_db
def test_as_of_moves_the_eighteenth_birthday(tmp_path):
    case = approvable_case(date_of_birth=years_before(18).isoformat())
    out, _ = evaluate(tmp_path, case, "--as-of", iso(-1))
    assert json.loads(out)["unmet"] == ["age"]
    out, _ = evaluate(tmp_path, case, "--as-of", iso(0))
    assert json.loads(out)["unmet"] == []


@pytest.mark.django_db
def test_default_as_of_is_today(tmp_path):
    # "Today" where the service is (settings.TIME_ZONE), as the command reads
    # it: the machine's date differs between midnight UTC and midnight there.
    today = timezone.localdate()
    born = today.replace(year=today.year - 18) if not (today.month == 2 and today.day == 29) \
        else date(today.year - 18, 3, 1)
    out, _ = evaluate(tmp_path, approvable_case(date_of_birth=born.isoformat()))
    assert json.loads(out)["unmet"] == []


@pytest.mark.django_db
def test_lifetime_limit_is_checked_against_the_database(tmp_path, prescriber):
    assert submitted_request(prescriber, approvable_case()).request.status == "approved"
    out, _ = evaluate(tmp_path, approvable_case(), "--as-of", iso(0))
    assert json.loads(out) == {"outcome": "not_met", "unmet": ["lifetime_limit"],
                               "review_flags": [], "policy": "2026D0120K"}


@pytest.mark.django_db
def test_review_flags_are_printed_whatever_the_outcome(tmp_path):
    cases = [approvable_case(inhibitor_screen_date=iso(-38)),
             approvable_case(hbsag="positive", weight_kg=245),
             approvable_case()]
    out, _ = evaluate(tmp_path, cases, "--as-of", iso(0))
    assert [(c["outcome"], c["review_flags"]) for c in json.loads(out)] == [
        ("meets_criteria", ["evidence_not_recent"]),
        ("not_met", ["dose_over_largest_kit"]),
        ("meets_criteria", [])]


@pytest.mark.django_db
def test_trace_says_which_result_and_how_old(tmp_path):
    out, _ = evaluate(tmp_path, approvable_case(liver_imaging_date=iso(-210)),
                      "--as-of", iso(0), "--trace")
    (reason,) = json.loads(out)["review_flag_reasons"]
    assert reason == {"flag": "evidence_not_recent", "key": "liver_imaging_date", "days": 210,
                      "window": 180,
                      "text": f"The liver imaging of {long_date(days(-210))} is 210 days old "
                              f"on {long_date(AS_OF)}: more than 180 days."}


@pytest.mark.django_db
def test_the_as_of_date_ages_the_results(tmp_path):
    case = approvable_case(planned_infusion_date=None)  # inhibitor screen 17 days before AS_OF
    out, _ = evaluate(tmp_path, [case, case], "--as-of", iso(13))
    assert json.loads(out)[0]["review_flags"] == []
    out, _ = evaluate(tmp_path, case, "--as-of", iso(14))
    assert json.loads(out)["review_flags"] == ["evidence_not_recent"]


@pytest.mark.django_db
def test_database_flags_are_printed_too(tmp_path, make_decided):
    # The member's earlier authorization expired unused: reauthorization.
    make_decided("pending_review", flags=["reauthorization"])
    out, _ = evaluate(tmp_path, approvable_case(), "--as-of", iso(0))
    assert json.loads(out)["review_flags"] == ["reauthorization"]


@pytest.mark.django_db
def test_a_planned_date_before_the_as_of_date_is_refused_by_its_key(tmp_path):
    source = tmp_path / "case.json"
    source.write_text(values.dumps(approvable_case(planned_infusion_date=iso(-1))))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("evaluate", str(source), "--as-of", iso(0), stdout=out, stderr=err)
    assert out.getvalue() == ""
    assert err.getvalue().strip() == ("planned_infusion_date: must not be before the evaluation "
                                      f"date ({long_date(AS_OF)})")


@pytest.mark.django_db
def test_invalid_case_exits_non_zero_with_one_line_per_problem(tmp_path):
    with pytest.raises(CommandError) as info:
        evaluate(tmp_path, approvable_case(weight_kg="heavy", colour="red", hbsag=None),
                 "--as-of", iso(0))
    assert info.value.returncode == 2


@pytest.mark.django_db
def test_invalid_case_through_the_process(tmp_path):
    """The real command line: exit code, stderr lines naming keys, no outcome."""
    import subprocess
    import sys

    source = tmp_path / "bad.json"
    source.write_text(values.dumps(approvable_case(weight_kg="heavy", colour="red", hbsag=None)))
    done = subprocess.run([sys.executable, "manage.py", "evaluate", str(source),
                           "--as-of", iso(0)], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert "colour: is not a known answer key" in lines
    assert "weight_kg: must be a number, not 'heavy'" in lines
    assert "hbsag: is required" in lines


@pytest.mark.django_db
def test_invalid_case_in_an_array_is_null_and_named(tmp_path):
    source = tmp_path / "cases.json"
    source.write_text(values.dumps([approvable_case(), approvable_case(hbsag="maybe")]))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("evaluate", str(source), "--as-of", iso(0), stdout=out, stderr=err)
    assert json.loads(out.getvalue())[1] is None
    assert err.getvalue().strip() == "case 1: hbsag: must be one of negative, positive, not 'maybe'"


@pytest.mark.parametrize("content,message", [
    (b"{not json", "line 1 column 2: not valid JSON"),
    (b'{"member_id": "caf\xe9"}', "byte 18: not valid UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000, "is nested too deeply"),
])
@pytest.mark.django_db
def test_unreadable_input_exits_2_with_one_line(tmp_path, content, message):
    source = tmp_path / "case.json"
    source.write_bytes(content)
    with pytest.raises(CommandError, match=message) as info:
        call_command("evaluate", str(source))
    assert info.value.returncode == 2


@pytest.mark.django_db
def test_huge_numbers_are_named_by_their_key_without_a_traceback(tmp_path):
    """A 5,000-digit integer and an exponent of 600,000, through the real command line."""
    import subprocess
    import sys

    case = values.dumps(approvable_case()).replace('"weight_kg": 72', '"weight_kg": ' + "9" * 5000)
    case = case.replace('"fix_exposure_days": 150', '"fix_exposure_days": 1e600000')
    source = tmp_path / "huge.json"
    source.write_text(case)
    done = subprocess.run([sys.executable, "manage.py", "evaluate", str(source),
                           "--as-of", iso(0)], capture_output=True, text=True, check=False,
                          timeout=60)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert any(line.startswith("weight_kg: is out of range") for line in lines)
    assert any(line.startswith("fix_exposure_days: is out of range") for line in lines)


@pytest.mark.django_db
def test_malformed_json_exits_2_through_the_process(tmp_path):
    import subprocess
    import sys

    source = tmp_path / "bad.json"
    source.write_text("{not json")
    done = subprocess.run([sys.executable, "manage.py", "evaluate", str(source)],
                          capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "not valid JSON" in done.stderr


@pytest.mark.django_db
def test_exact_decimals_from_json_are_not_rounded(tmp_path):
    case = values.dumps(approvable_case()).replace('"inhibitor_screen_bu": 0',
                                                   '"inhibitor_screen_bu": 0.59999999999999999999')
    source = tmp_path / "exact.json"
    source.write_text(case)
    out = io.StringIO()
    call_command("evaluate", str(source), "--as-of", iso(0), stdout=out)
    assert json.loads(out.getvalue())["unmet"] == []


@pytest.mark.django_db
def test_missing_file_and_bad_date(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("evaluate", str(tmp_path / "nope.json"))
    source = tmp_path / "case.json"
    source.write_text(values.dumps(approvable_case()))
    with pytest.raises(CommandError, match="--as-of must be a date"):
        call_command("evaluate", str(source), "--as-of", "27/11/2026")


@pytest.mark.django_db
def test_trace_prints_each_criterion(tmp_path):
    out, _ = evaluate(tmp_path, approvable_case(), "--as-of", iso(0), "--trace")
    criteria = {c["id"]: c for c in json.loads(out)["criteria"]}
    assert len(criteria) == 21
    age = AS_OF.year - 1985 - ((AS_OF.month, AS_OF.day) < (4, 12))  # born April 12, 1985
    assert criteria["age"] == {"id": "age", "status": "met",
                               "reason": f"Age {age} on {long_date(AS_OF)}",
                               "text": "Patient is 18 years of age or older"}


@pytest.mark.django_db
def test_the_readmes_example_meets_every_criterion_without_a_flag(tmp_path):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    example = readme.split("```json\n", 1)[1].split("```", 1)[0]
    (tmp_path / "case.json").write_text(example)
    out = io.StringIO()
    # On the day the README evaluates it (its dates are written for that day).
    as_of = readme.split("evaluate case.json --as-of ", 1)[1].split()[0]
    call_command("evaluate", str(tmp_path / "case.json"), "--as-of", as_of, stdout=out)
    assert json.loads(out.getvalue()) == {"outcome": "meets_criteria", "unmet": [],
                                          "review_flags": [], "policy": "2026D0120K"}


class _PatternSpy:
    """Stands in for one of values.py's patterns: records the length of every
    text it is asked to match, and matches nothing (so the test never waits
    on the backtracking it guards against)."""

    def __init__(self, seen):
        self.seen = seen

    def match(self, text):
        self.seen.append(len(text))


@pytest.mark.django_db
def test_a_long_lab_value_is_refused_by_its_key_before_any_pattern_runs(tmp_path, monkeypatch):
    # Issue 23 N7: "<1x10" and 100,000 spaces made the 2 x 10^13 pattern backtrack
    # for minutes; the length is bounded first.
    seen: list[int] = []
    for name in ("_TIMES_TEN", "_NUMBER", "_BELOW"):
        monkeypatch.setattr(values, name, _PatternSpy(seen))
    case = approvable_case(fix_activity_percent="<1x10" + " " * 100_000 + "a")
    source, err = tmp_path / "long.json", io.StringIO()
    source.write_text(values.dumps(case))
    with pytest.raises(CommandError) as info:
        call_command("evaluate", str(source), "--as-of", iso(0), stderr=err)
    assert info.value.returncode == 2
    assert max(seen, default=0) <= values.MAX_NUMBER_TEXT
    lines = err.getvalue().splitlines()
    assert any(line.startswith("fix_activity_percent: ") and "too long" in line
               for line in lines)


def test_the_parsers_refuse_a_long_text_before_matching(monkeypatch):
    seen: list[int] = []
    for name in ("_TIMES_TEN", "_NUMBER", "_BELOW"):
        monkeypatch.setattr(values, name, _PatternSpy(seen))
    long = "<1x10" + " " * 10_000 + "a"
    for parse in (values.parse_lab_value, values.parse_decimal):
        with pytest.raises(values.ValueProblem, match="too long"):
            parse(long)
    assert seen == []
