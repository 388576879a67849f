"""The payer's member roster: import_members reports every bad line and changes
nothing; at submission, a request whose member is not on a loaded roster goes
to a reviewer with eligibility_not_verified; `evaluate` never raises it."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from authorizations.members import roster_csv
from authorizations.models import AuditEvent, Member, Status
from authorizations.policy import values
from tests.cases import iso
from tests.factories import approvable_case

pytestmark = pytest.mark.django_db

HEADER = ",".join(roster_csv.COLUMNS)
ADA = "UHC-100200300,Ada,Quinlan,1985-04-12,employer_erisa,IL,en,1 Elm St,,Springfield,62701"


@pytest.fixture
def roster(tmp_path):
    def _write(*lines: str):
        path = tmp_path / "members.csv"
        path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
        return str(path)

    return _write


def test_a_roster_is_imported_and_each_member_audited_without_their_data(roster, capsys):
    call_command("import_members", roster(
        ADA, "M-2,Bo,Tran,1990-01-31,individual_exchange,TX,es,9 Oak Ave,Apt 2,Austin,78701"))
    ada = Member.objects.get(member_key="UHC100200300")
    assert (ada.first_name, ada.plan_type, ada.language) == ("Ada", "employer_erisa", "en")
    assert Member.objects.get(member_key="M2").address_lines == [
        "9 Oak Ave", "Apt 2", "Austin, TX 78701"]
    assert "2 created, 0 updated, 2 in all" in capsys.readouterr().out
    events = AuditEvent.objects.filter(object_type="Member")
    assert events.count() == 2
    assert all("Quinlan" not in json.dumps(e.detail) for e in events)


def test_every_bad_line_is_reported_and_nothing_is_changed(roster):
    call_command("import_members", roster(ADA))
    bad = roster(
        ADA.replace("Springfield", "Chicago"),  # a good line: not stored either
        "M-3,Cy,,1990-02-30,employer,Illinois,english,1 A St,,Peoria,6160",
        "M 3,Dee,Park,1970-05-05,employer_erisa,IL,en,2 B St,,Peoria,61602",
    )
    with pytest.raises(CommandError) as raised:
        call_command("import_members", bad)
    message = str(raised.value)
    for expected in ["nothing imported", "line 3: last_name is empty",
                     "line 3: date_of_birth must be a date written YYYY-MM-DD",
                     "line 3: plan_type must be one of employer_erisa, employer_non_erisa, "
                     "individual_exchange", "line 3: state must be two letters",
                     "line 3: language must be a language code",
                     "line 3: postal_code must be a ZIP code",
                     "line 4: member_id is the same member as line 3"]:
        assert expected in message, expected
    assert "Cy" not in message  # names the field, never the patient's data
    assert Member.objects.count() == 1
    assert Member.objects.get().city == "Springfield"


def test_a_missing_column_is_reported(tmp_path):
    path = tmp_path / "members.csv"
    path.write_text("member_id,first_name\nM-1,Ada\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing column"):
        call_command("import_members", str(path))
    assert not Member.objects.exists()


def test_without_a_roster_no_request_is_flagged(prescriber, submit):
    req = submit(prescriber, approvable_case())
    assert req.status == Status.APPROVED
    assert "eligibility_not_verified" not in req.review_flags


def test_a_member_on_the_roster_is_approved(prescriber, submit, roster):
    call_command("import_members", roster(ADA.replace("Ada,Quinlan", " ada , QUINLAN ")))
    req = submit(prescriber, approvable_case(member_id="uhc 100-200-300"))
    assert req.status == Status.APPROVED


@pytest.mark.parametrize("change", [{"member_id": "UHC-999"}, {"patient_last_name": "Quinn"},
                                    {"date_of_birth": "1985-04-13"}])
def test_a_member_not_on_the_loaded_roster_goes_to_a_reviewer(prescriber, submit, roster,
                                                               change):
    call_command("import_members", roster(ADA))
    req = submit(prescriber, approvable_case(**change))
    assert req.status == Status.PENDING_REVIEW
    assert req.unmet == []
    assert req.review_flags == ["eligibility_not_verified"]
    assert req.review_flag_reasons == [{
        "flag": "eligibility_not_verified",
        "text": "The payer's member roster is loaded and no member on it matches this "
                "request's member ID, name and date of birth."}]


def test_the_evaluate_command_never_raises_it(roster, tmp_path):
    call_command("import_members", roster(ADA))
    case = tmp_path / "case.json"
    case.write_text(values.dumps(approvable_case(member_id="NOT-ON-ROSTER")))
    out = io.StringIO()
    call_command("evaluate", str(case), "--as-of", iso(0), stdout=out)
    assert json.loads(out.getvalue())["review_flags"] == []
