"""Determination letters: one PDF per determination, rendered once with
WeasyPrint. Rendering only: services.letter_issue stores each letter once,
with its SHA-256, never re-rendered or changed.

Templates under templates/letters/ print what the context builders here
compute; the wording that depends on the decision lives in the templates.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Min, Q
from django.template.loader import render_to_string
from django.utils import timezone

from . import policy
from .models import (
    AuthorizationRequest,
    DecisionKind,
    Determination,
    LetterKind,
    Status,
)

KIND_BY_STATUS = {
    Status.APPROVED: LetterKind.APPROVAL,
    Status.PENDING_REVIEW: LetterKind.PENDED,
    Status.DENIED: LetterKind.DENIAL,
}
TEMPLATE_BY_KIND = {
    LetterKind.APPROVAL: "letters/approval.html",
    LetterKind.PENDED: "letters/pended.html",
    LetterKind.DENIAL: "letters/denial.html",
    LetterKind.APPEAL_UPHELD: "letters/appeal_upheld.html",
    LetterKind.APPEAL_OVERTURNED: "letters/appeal_overturned.html",
}
TITLE_BY_KIND = {
    LetterKind.APPROVAL: "Prior authorization approved",
    LetterKind.PENDED: "Prior authorization request pended for clinical review",
    LetterKind.DENIAL: "Prior authorization denied",
    LetterKind.APPEAL_UPHELD: "Appeal decision: denial upheld",
    LetterKind.APPEAL_OVERTURNED: "Appeal decision: prior authorization approved",
}
# A determination that decides an appeal has the appeal's letter.
APPEAL_KIND_BY_STATUS = {
    Status.APPROVED: LetterKind.APPEAL_OVERTURNED,
    Status.DENIED: LetterKind.APPEAL_UPHELD,
}

# ERISA claims rules (29 CFR 2560.503-1): at least 180 days to appeal a
# pre-service denial, decided within 30 days, or 72 hours when urgent.
APPEAL_DAYS = 180
APPEAL_DECISION_DAYS = 30
EXPEDITED_APPEAL_HOURS = 72


def _long_date(value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return f"{value:%B} {value.day}, {value.year}"


def _long_datetime(value: datetime) -> str:
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    return f"{_long_date(local)} at {hour}:{local:%M} {'a.m.' if local.hour < 12 else 'p.m.'} " \
           f"{local:%Z}"


def letter_kind(determination: Determination) -> LetterKind:
    """The kind of the determination's letter: by its status, or the appeal's
    decision letter when it decides an appeal."""
    appeal = getattr(determination, "decided_appeal", None) if determination.pk else None
    if appeal is not None:
        return APPEAL_KIND_BY_STATUS[Status(determination.status)]
    return KIND_BY_STATUS[Status(determination.status)]


def _appeal(determination: Determination) -> dict[str, Any] | None:
    """What the appeal decision letter says of the appeal; None for other letters."""
    appeal = getattr(determination, "decided_appeal", None) if determination.pk else None
    if appeal is None:
        return None
    return {
        "filed": _long_date(appeal.filed_at),
        "expedited": appeal.expedited,
        "denial_date": _long_date(appeal.denial.created_at),
        "denied_by": appeal.denial.decided_by_name,
        "statement": appeal.statement,
    }


def needs_letter(determination: Determination) -> bool:
    """Whether a determination gets a letter: every reviewer decision and the
    submission's own result. A system record written when an approval lost the
    lifetime race changes nothing for the prescriber and gets none."""
    if determination.kind == DecisionKind.REVIEWER or determination.status == Status.APPROVED:
        # Every approval too: software approves again on a prescriber's response.
        return True
    first = determination.request.determinations.order_by("id").first()
    return first is not None and first.pk == determination.pk


def _contact() -> dict[str, str]:
    """Phone and fax only when configured: never a made-up number."""
    missing = [what for what, value in (("mailing address", settings.PAYER_ADDRESS),
                                        ("fax number", settings.PAYER_FAX)) if not value]
    return {
        "not_configured": " and ".join(missing),
        "name": settings.PAYER_NAME,
        "department": settings.PAYER_UM_DEPARTMENT,
        "address_lines": [line.strip() for line in settings.PAYER_ADDRESS.split(",")
                          if line.strip()],
        "phone": settings.PAYER_PHONE,
        "fax": settings.PAYER_FAX,
    }


def _prescriber(req: AuthorizationRequest) -> dict[str, str]:
    user = req.prescriber
    name = user.get_full_name() or user.get_username()
    profile = getattr(user, "prescriber", None)
    credentials = profile.credentials if profile else ""
    return {
        "name": f"{name}, {credentials}" if credentials else name,
        "npi": profile.npi if profile else "",
        "htc": req.htc.name,
        "htc_place": f"{req.htc.city}, {req.htc.state}",
    }


def _unmet_items(determination: Determination) -> list[dict[str, str]]:
    """Each unmet criterion in the policy's words, the answer that failed it,
    and what documentation could resolve it, in the policy's order; for a
    reviewer's decision with recorded reasons, exactly those reasons."""
    reasons = list(determination.reasons.all()) if determination.pk else []
    if reasons:
        return _reason_items(determination, reasons)
    items = []
    for row in determination.trace:
        if row["status"] != policy.UNMET:
            continue
        criterion = policy.CRITERION_BY_ID.get(row["id"])
        items.append({
            "id": row["id"],
            "text": row["text"],
            "reason": row["reason"],
            "documentation": criterion.documentation if criterion else "",
        })
    return items


def _reason_items(determination: Determination, reasons) -> list[dict[str, str]]:
    rows = {row["id"]: row for row in determination.trace}
    items = []
    for reason in reasons:
        if not reason.criterion:
            items.append({"id": "", "text": "", "reason": reason.text, "documentation": "",
                          "own_words": True})
            continue
        row = rows.get(reason.criterion, {"text": "", "reason": ""})
        criterion = policy.CRITERION_BY_ID.get(reason.criterion)
        items.append({"id": reason.criterion, "text": row["text"], "reason": row["reason"],
                      "documentation": criterion.documentation if criterion else ""})
    return items


def letter_context(determination: Determination) -> dict[str, Any]:
    req = determination.request
    kind = letter_kind(determination)
    dob = req.answers.get("date_of_birth")
    context: dict[str, Any] = {
        "kind": kind,
        "title": TITLE_BY_KIND[kind],
        "payer": _contact(),
        "letter_date": _long_date(determination.created_at),
        "request_number": req.number,
        "submitted": _long_date(req.submitted_at) if req.submitted_at else "",
        "expedited": req.expedited,
        "member": {
            "name": req.patient_name,
            "member_id": req.member_id,
            "date_of_birth": _long_date(date.fromisoformat(dob)) if dob else "Not recorded",
        },
        "prescriber": _prescriber(req),
        "policy": {
            "number": determination.policy_version,
            "title": policy.POLICY_TITLE,
            "effective": _long_date(policy.POLICY_EFFECTIVE),
        },
        "drug": "Hemgenix (etranacogene dezaparvovec-drlb)",
        "hcpcs": policy.HCPCS_CODE,
        "icd10": policy.ICD10_CODE,
        "unmet": _unmet_items(determination),
        "reviewer": {
            "name": determination.decided_by_name,
            "credentials": determination.decided_by_credentials,
            "rationale": determination.rationale,
        },
        "appeal_days": APPEAL_DAYS,
        "appeal_decision_days": APPEAL_DECISION_DAYS,
        "expedited_appeal_hours": EXPEDITED_APPEAL_HOURS,
        "appeal": _appeal(determination),
    }
    if kind in (LetterKind.APPROVAL, LetterKind.APPEAL_OVERTURNED):
        # A reviewer may approve without an attestation; the letter must not claim one.
        context["approved_on_review"] = determination.kind == DecisionKind.REVIEWER
        context["attested_monitoring"] = req.answers.get("attest_monitoring") is True
        context["attested_alcohol_counseling"] = \
            req.answers.get("attest_alcohol_counseling") is True
        auth = req.authorization
        context["authorization"] = {
            "number": auth.number,
            "quantity": auth.quantity,
            "hcpcs": auth.hcpcs_code,
            "icd10": auth.icd10_code,
            "start": _long_date(auth.start_date),
            "end": _long_date(auth.end_date),
            "days": (auth.end_date - auth.start_date).days + 1,  # counting the first day
        }
    if kind == LetterKind.PENDED and req.due_at:
        context["decision_due"] = _long_datetime(req.due_at)
        context["turnaround"] = "72 hours (expedited)" if req.expedited else "15 calendar days"
    return context


def information_context(ir) -> dict[str, Any]:
    """The "Information needed" letter: what, why and by when; no PHI beyond
    what every letter carries."""
    from .models import DocumentKind
    from .selectors import criterion_name

    req = ir.request
    dob = req.answers.get("date_of_birth")
    return {
        "kind": LetterKind.INFORMATION,
        "title": "Information needed for a prior authorization request",
        "payer": _contact(),
        "letter_date": _long_date(ir.paused_at),
        "request_number": req.number,
        "submitted": _long_date(req.submitted_at) if req.submitted_at else "",
        "expedited": req.expedited,
        "member": {"name": req.patient_name, "member_id": req.member_id,
                   "date_of_birth": _long_date(date.fromisoformat(dob)) if dob
                   else "Not recorded"},
        "prescriber": _prescriber(req),
        "policy": {"number": req.policy_version, "title": policy.POLICY_TITLE,
                   "effective": _long_date(policy.POLICY_EFFECTIVE)},
        "drug": "Hemgenix (etranacogene dezaparvovec-drlb)",
        "criteria": [criterion_name(c) for c in ir.criteria],
        "document_kinds": [DocumentKind(k).label for k in ir.document_kinds],
        "message": ir.message,
        "due": _long_datetime(ir.due_at),
        "respond_path": f"/requests/{req.pk}/respond/",
    }


def render_information_pdf(ir) -> bytes:
    from weasyprint import HTML

    html = render_to_string("letters/information.html", information_context(ir))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant="pdf/a-3a")


def render_pdf(determination: Determination) -> bytes:
    # Imported here: WeasyPrint takes a third of a second to import, and
    # only rendering needs it.
    from weasyprint import HTML

    from .fhir import letter_attachments

    context = letter_context(determination)
    html = render_to_string(TEMPLATE_BY_KIND[context["kind"]], context)
    # PDF/A-3 with the decision and answers as FHIR JSON files inside (fhir/bundle.py).
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        pdf_variant="pdf/a-3a", attachments=letter_attachments(determination))


def latest_lettered_determination(req: AuthorizationRequest) -> Determination | None:
    """The request's latest determination that gets a letter; None for a
    request not yet decided. (services.letter_latest issues its letter.)"""
    for determination in req.determinations.order_by("-created_at", "-id"):
        if needs_letter(determination):
            return determination
    return None


def determinations_missing_letters():
    """Determinations that should have a letter and have none."""
    first_ids = (Determination.objects.values("request")
                 .annotate(first_id=Min("id")).values("first_id"))
    return (Determination.objects
            .filter(letter__isnull=True)
            .filter(Q(kind=DecisionKind.REVIEWER) | Q(status=Status.APPROVED)
                    | Q(id__in=first_ids))
            .select_related("request", "request__htc", "request__prescriber")
            .order_by("id"))
