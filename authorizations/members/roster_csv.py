"""Read the payer's member roster from a CSV export, every line checked.

Reading only: services.member_import stores the rows. As the HTC directory's
import (accounts/htc_csv.py): every bad line is reported, with its line
number and field, and nothing is stored unless every line is good. A
problem names the field, never the value typed: the roster is patient data.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from authorizations.members.models import PlanType
from authorizations.policy import member_key

DEMO_CSV = Path(__file__).resolve().parents[2] / "data" / "demo-members.csv"

COLUMNS = ("member_id", "first_name", "last_name", "date_of_birth", "plan_type", "state",
           "language", "address_line1", "address_line2", "city", "postal_code")
REQUIRED = set(COLUMNS) - {"address_line2"}
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_ZIP = re.compile(r"\d{5}(-\d{4})?")


class RosterError(ValueError):
    pass


@dataclass(frozen=True)
class Row:
    member_id: str
    member_key: str
    first_name: str
    last_name: str
    date_of_birth: date
    plan_type: str
    state: str
    language: str
    address_line1: str
    address_line2: str
    city: str
    postal_code: str


def _problems(raw: dict[str, str], values: dict[str, str]) -> list[str]:
    problems = [f"{column} is empty" for column in sorted(REQUIRED) if not values[column]]
    if values["date_of_birth"]:
        try:
            date.fromisoformat(values["date_of_birth"])
        except ValueError:
            problems.append("date_of_birth must be a date written YYYY-MM-DD")
    if values["plan_type"] and values["plan_type"] not in PlanType.values:
        problems.append(f"plan_type must be one of {', '.join(PlanType.values)}")
    if values["state"] and not (len(values["state"]) == 2 and values["state"].isalpha()):
        problems.append("state must be two letters")
    if values["language"] and not _LANGUAGE.fullmatch(values["language"]):
        problems.append("language must be a language code such as en or es")
    if values["postal_code"] and not _ZIP.fullmatch(values["postal_code"]):
        problems.append("postal_code must be a ZIP code (12345 or 12345-6789)")
    if values["member_id"] and not member_key(values["member_id"]):
        problems.append("member_id has no letters or digits")
    return problems


def read_rows(handle: IO[str]) -> list[Row]:
    """Parse and check every line; report all problems at once, by line number."""
    reader = csv.DictReader(handle)
    missing = REQUIRED - set(reader.fieldnames or [])
    if missing:
        raise RosterError(f"missing column(s): {', '.join(sorted(missing))}")
    rows, problems, seen = [], [], {}
    for line, raw in enumerate(reader, start=2):
        values = {column: (raw.get(column) or "").strip() for column in COLUMNS}
        values["state"] = values["state"].upper()
        values["language"] = values["language"].lower()
        found = _problems(raw, values)
        key = member_key(values["member_id"])
        if key and key in seen:
            found.append(f"member_id is the same member as line {seen[key]}")
        seen.setdefault(key, line)
        problems += [f"line {line}: {problem}" for problem in found]
        if not found:
            rows.append(Row(member_key=key, **{**values, "date_of_birth":
                                                date.fromisoformat(values["date_of_birth"])}))
    if problems:
        raise RosterError("\n".join(problems))
    return rows
