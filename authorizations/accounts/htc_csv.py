"""Read the HTC directory from a CSV export (name, city, state, designated,
time_zone).

Reading only: services.htc_import stores the rows.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from authorizations.core import zones

STARTER_CSV = Path(__file__).resolve().parents[2] / "data" / "htc-directory-starter.csv"

_TRUE = {"1", "true", "yes", "y"}
_FALSE = {"0", "false", "no", "n"}


class DirectoryError(ValueError):
    pass


@dataclass
class Row:
    name: str
    city: str
    state: str
    federally_designated: bool
    region: str = ""
    source_url: str = ""
    # Blank where the state has two zones and the export does not say which.
    time_zone: str = ""


def read_rows(handle: IO[str]) -> list[Row]:
    """Parse and check every row; report all problems at once with line numbers.

    The `designated` column is optional: the CDC directory lists only
    federally designated centers, so a row without it is designated. So is
    `time_zone` (an IANA name, zones.ZONE_CHOICES): without it a center's
    zone is its state's, or left as it was where the state has two.
    """
    reader = csv.DictReader(handle)
    missing = {"name", "city", "state"} - set(reader.fieldnames or [])
    if missing:
        raise DirectoryError(f"missing column(s): {', '.join(sorted(missing))}")
    rows, problems = [], []
    for line, raw in enumerate(reader, start=2):
        name = (raw.get("name") or "").strip()
        city = (raw.get("city") or "").strip()
        state = (raw.get("state") or "").strip().upper()
        designated = (raw.get("designated") or "yes").strip().lower()
        zone = (raw.get("time_zone") or "").strip()
        if zone and zone not in zones.ZONE_WORDS:
            problems.append(f"line {line}: time_zone must be one of "
                            f"{', '.join(zones.ZONE_WORDS)}, not {zone!r}")
        if not name:
            problems.append(f"line {line}: name is empty")
        if not city:
            problems.append(f"line {line}: city is empty")
        if len(state) != 2 or not state.isalpha():
            problems.append(f"line {line}: state must be two letters, not {state!r}")
        if designated not in _TRUE | _FALSE:
            problems.append(f"line {line}: designated must be yes or no, not {designated!r}")
        rows.append(Row(name, city, state, designated in _TRUE,
                        (raw.get("region") or "").strip(), (raw.get("source_url") or "").strip(),
                        zone or zones.state_zone(state)))
    if problems:
        raise DirectoryError("\n".join(problems))
    return rows
