"""The criteria with their evidence, as the reviewer's request page and the
appeal's page show them: each criterion's status and reason, the answers it
reads (with unit, test date and age in days), and the documents that
support it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.safestring import mark_safe

from authorizations import policy
from authorizations.core import zones
from authorizations.core.markup import Rows, quick_html
from authorizations.models import AuthorizationRequest, Determination
from authorizations.policy import QUESTION_BY_KEY
from authorizations.policy.values import long_date
from authorizations.requests import origins as answer_origins
from authorizations.requests import selectors
from authorizations.requests.selectors import STATUS_LABELS

# The answers each criterion reads, shown in its row of the request page, and
# the test date each value was measured on (its age is what a reviewer weighs).
CRITERION_ANSWERS = {
    "age": ("date_of_birth",),
    "diagnosis": ("diagnosis",),
    "severity": ("severity", "fix_activity_percent"),
    "prophylaxis": ("current_prophylaxis", "non_factor_agent", "fix_exposure_days"),
    "inhibitor_screen": ("inhibitor_screen_bu",),
    "liver_health": ("liver_tests_date", "liver_imaging"),
    "aav5_antibodies": ("aav5_nab_result", "aav5_nab_titer"),
    "hiv": ("hiv_status", "hiv_viral_load_copies_ml"),
    "hepatitis_b": ("hbsag",),
    "hepatitis_c": ("hcv_antibody", "hcv_rna"),
    "dosing": ("dose_gc_per_kg", "weight_kg"),
}
TEST_DATES = {
    "fix_activity_percent": "fix_activity_test_date",
    "inhibitor_screen_bu": "inhibitor_screen_date",
    "aav5_nab_result": "aav5_nab_test_date",
    "liver_imaging": "liver_imaging_date",
    "hiv_viral_load_copies_ml": "hiv_viral_load_date",
    "weight_kg": "weight_date",
}


def criterion_answers(answers: dict[str, Any], criterion: str, today: date,
                      origins: dict[str, str] | None = None) -> list[dict[str, str]]:
    """The answers a criterion reads, each with its unit, test date and age in
    days, and whether the EHR filled it (requests/origins.py)."""
    rows = []
    for key in CRITERION_ANSWERS.get(criterion, ()):
        if key not in answers or answers[key] in (None, ""):
            continue
        tested, age = "", ""
        date_key = TEST_DATES.get(key, "")
        if answers.get(date_key):
            day = date.fromisoformat(str(answers[date_key]))
            tested = long_date(day)
            days = (today - day).days
            age = f"{days} day{'s' if days != 1 else ''} old"
        rows.append({"label": QUESTION_BY_KEY[key].label,
                     "value": selectors.display_answer(key, answers[key]),
                     "tested": tested, "age": age,
                     "origin": answer_origins.label((origins or {}).get(key))})
    return rows


def criteria_rows(determination: Determination | None, req: AuthorizationRequest | None = None,
                  documents: list[dict[str, Any]] = (), today: date | None = None
                  ) -> list[dict[str, Any]]:
    """The rows, which also write their table's body (`{{ criteria.html }}`)."""
    if determination is None:
        return []
    today = today or zones.today()
    answers = req.answers if req is not None else {}
    rows = [{"id": row["id"], "name": selectors.criterion_name(row["id"]),
             "text": row["text"], "reason": row["reason"],
             "status": row["status"], "status_label": STATUS_LABELS.get(row["status"],
                                                                        row["status"]),
             "answers": criterion_answers(answers, row["id"], today,
                                          req.answer_origins if req is not None else None),
             "documents": [d for d in documents if d["criterion"] == row["id"]]}
            for row in determination.trace]
    # What is not met first (what the reviewer decides on), then in policy order.
    return Rows(sorted(rows, key=lambda row: row["status"] != policy.UNMET), _criteria_table)


def _criteria_table(rows: list[dict[str, Any]]) -> str:
    """The rows as _criteria_table.html looped over them, written in Python
    (core/markup.py): eleven criteria, their answers and documents, some 150
    values on the request page and the appeal's."""
    return "".join(quick_html(
        '\n      <tr class="criterion-{}">\n        <td><strong>{}</strong> <code>{}</code>'
        '<div class="policy-words">{}</div></td>\n        <td class="criterion-status">{}'
        '<div class="review-reason">{}</div></td>\n        <td>{}</td>\n        <td>{}</td>\n'
        '      </tr>\n    ',
        row["status"], row["name"], row["id"], row["text"], row["status_label"], row["reason"],
        mark_safe("".join(_answer(a) for a in row["answers"]) or "-"),  # quick_html's
        mark_safe("".join(_document(d) for d in row["documents"]) or "-"))
        for row in rows)


def _answer(a: dict[str, str]) -> str:
    return quick_html(
        "<div>{}: <strong>{}</strong>{}{}</div>", a["label"], a["value"],
        quick_html(' <span class="review-badge answer-origin">{}</span>', a["origin"])
        if a["origin"] else "",
        quick_html("<br><small>tested {}, {}</small>", a["tested"], a["age"])
        if a["tested"] else "")


def _document(doc: dict[str, Any]) -> str:
    return quick_html(
        '<details class="review-document">\n          <summary>{} <small>({})</small></summary>'
        '\n          <img src="{}" loading="lazy" alt="First page of {}, {}" width="600">'
        '\n          <p><a href="{}">Every page of {}</a></p>\n        </details>',
        doc["kind"], doc["name"], doc["image_url"], doc["kind"], doc["name"],
        doc["viewer_url"], doc["name"])


