"""Who the patient is, as every page of a request shows it (the patient
banner) and the dashboard's follow-up table lists it: so results are never
entered against the wrong patient. Read from the saved answers only: what a
draft holds unfinished as typed is not yet an answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from authorizations.models import AuthorizationRequest


@dataclass(frozen=True)
class PatientIdentity:
    name: str
    date_of_birth: date | None
    member_id: str

    @property
    def known(self) -> bool:
        return bool(self.name or self.date_of_birth or self.member_id)


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def patient_identity(req: AuthorizationRequest | None) -> PatientIdentity:
    """The patient's name, date of birth and member ID; blanks before the
    patient's step is saved."""
    answers = req.answers if req is not None else {}
    name = " ".join(str(answers.get(k) or "").strip()
                    for k in ("patient_first_name", "patient_last_name")).strip()
    return PatientIdentity(name=name, date_of_birth=_day(answers.get("date_of_birth")),
                           member_id=str(answers.get("member_id") or "").strip())
