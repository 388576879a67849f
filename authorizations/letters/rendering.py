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
from django.db.models import Min, Q, QuerySet
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from authorizations import policy
from authorizations.core import deadlines
from authorizations.core.formats import letter_date, letter_datetime
from authorizations.letters import findings, language, pdf_tags, plain, reuse
from authorizations.letters.contact import payer_contact
from authorizations.letters.denial_codes import denial_code
from authorizations.letters.member import member_context, preferred_language
from authorizations.letters.taglines import TAGLINES, taglines
from authorizations.models import (
    AuthorizationRequest,
    DecisionKind,
    Determination,
    DocumentKind,
    LetterKind,
    Status,
)
from authorizations.requests.selectors import criterion_name, dose_summary

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
# Marked for the catalogue, translated where a letter prints them.
TITLE_BY_KIND = {
    LetterKind.APPROVAL: gettext_noop("Prior authorization approved"),
    LetterKind.PENDED: gettext_noop("Prior authorization request pended for clinical review"),
    LetterKind.DENIAL: gettext_noop("Prior authorization denied"),
    LetterKind.APPEAL_UPHELD: gettext_noop("Appeal decision: denial upheld"),
    LetterKind.APPEAL_OVERTURNED: gettext_noop("Appeal decision: prior authorization approved"),
}
INFORMATION_TITLE = gettext_noop("Information needed for a prior authorization request")
# A determination that decides an appeal has the appeal's letter.
APPEAL_KIND_BY_STATUS = {
    Status.APPROVED: LetterKind.APPEAL_OVERTURNED,
    Status.DENIED: LetterKind.APPEAL_UPHELD,
}

# Each letter in two copies: the prescriber's (stored as Letter.pdf) and the
# member's (MemberCopy), the same notice addressed to each with a copy to the other.
PRESCRIBER = "prescriber"
MEMBER = "member"
COPIES = (PRESCRIBER, MEMBER)

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
    receipt = getattr(appeal, "receipt", None)
    return {
        # Who appealed: the prescriber in the service, or the member (or the
        # member's representative) by mail, fax or phone.
        "claimant": receipt.claimant if receipt is not None else "prescriber",
        "representative": receipt.representative_name if receipt is not None else "",
        "received_via": _(receipt.get_received_via_display()).split(" (")[0].lower()
        if receipt is not None else "",
        "filed": letter_date(appeal.filed_at),
        "expedited": appeal.expedited,
        "denial_date": letter_date(appeal.denial.created_at),
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


def _member(req: AuthorizationRequest) -> dict[str, str]:
    dob = req.answers.get("date_of_birth")
    return {"name": req.patient_name, "member_id": req.member_id,
            "date_of_birth": letter_date(date.fromisoformat(dob)) if dob else _("Not recorded")}


def _common(req: AuthorizationRequest, copy: str) -> dict[str, Any]:
    """What every letter carries, whichever its kind: who it is to and from,
    the request, the member, the language taglines."""
    if copy not in COPIES:
        raise ValueError(f"unknown copy {copy!r}")
    return {
        "copy": copy,
        "to_member": copy == MEMBER,
        "payer": payer_contact(),
        # The copy's language (letters/language.py): the HTML's lang, so the PDF's /Lang.
        "language": language.current(),
        "request_number": req.number,
        "submitted": letter_date(req.submitted_at) if req.submitted_at else "",
        "expedited": req.expedited,
        "member": _member(req),
        "prescriber": _prescriber(req),
        "drug": "Hemgenix (etranacogene dezaparvovec-drlb)",
        "taglines": taglines(settings.PAYER_PHONE),
        # The appeal rights, turnaround and follow-up words (pages get the
        # same through the context processor).
        "clocks": language.clock_words(),
        # The roster's address and plan type, the copy's voice (letters/member.py).
        **member_context(req, copy == MEMBER),
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


def _on_file(req: AuthorizationRequest, before: datetime | None) -> dict[str, list[str]]:
    """The documents on the request by criterion, as received by the letter's
    date: a letter names what is on file rather than call it missing."""
    documents = req.documents.all()
    if before is not None:
        documents = documents.filter(uploaded_at__lte=before)
    on_file: dict[str, list[str]] = {}
    for document in documents:
        on_file.setdefault(document.criterion, []).append(
            _("%(kind)s “%(name)s”, received %(date)s") % {
                "kind": _(document.get_kind_display()), "name": document.file_name,
                "date": letter_date(document.uploaded_at)})
    return on_file


def _unmet_items(determination: Determination) -> list[dict[str, Any]]:
    """Each unmet criterion in the policy's words, the answer that failed it,
    what documentation could resolve it and what is already on file, in the
    policy's order; for a reviewer's decision with recorded reasons, exactly
    those reasons."""
    on_file = _on_file(determination.request, determination.created_at)
    reasons = list(determination.reasons.all()) if determination.pk else []
    if reasons:
        return _reason_items(determination, reasons, on_file)
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
            "on_file": on_file.get(row["id"], []),
        })
    return items


def _reason_items(determination: Determination, reasons, on_file) -> list[dict[str, Any]]:
    rows = {row["id"]: row for row in determination.trace}
    items = []
    for reason in reasons:
        if not reason.criterion:
            items.append({"id": "", "text": "", "reason": reason.text, "documentation": "",
                          "own_words": True, "on_file": []})
            continue
        row = rows.get(reason.criterion, {"text": "", "reason": ""})
        criterion = policy.CRITERION_BY_ID.get(reason.criterion)
        items.append({"id": reason.criterion, "text": row["text"], "reason": row["reason"],
                      "documentation": criterion.documentation if criterion else "",
                      "on_file": on_file.get(reason.criterion, [])})
    return items


def _treatment(req: AuthorizationRequest, last_day: date) -> dict[str, Any]:
    """What the approval letter says about the infusion itself: the label dose
    for the weight (selectors.dose_summary's arithmetic) and where and when."""

    answers = req.answers
    planned = answers.get("planned_infusion_date")
    planned_on = date.fromisoformat(planned) if planned else None
    return {
        "dose": dose_summary(answers),
        "site_name": answers.get("site_of_care_name", ""),
        "site_npi": answers.get("site_of_care_npi", ""),
        "planned_infusion": letter_date(planned_on) if planned_on else "",
        "planned_after_window": planned_on is not None and planned_on > last_day,
    }


def letter_context(determination: Determination, copy: str = PRESCRIBER) -> dict[str, Any]:
    req = determination.request
    kind = letter_kind(determination)
    context: dict[str, Any] = {
        **_common(req, copy),
        "kind": kind,
        "title": _(TITLE_BY_KIND[kind]),
        "letter_date": letter_date(determination.created_at),
        "policy": {
            "number": determination.policy_version,
            "title": policy.POLICY_TITLE,
            "effective": letter_date(policy.POLICY_EFFECTIVE),
        },
        "hcpcs": policy.HCPCS_CODE,
        "icd10": policy.ICD10_CODE,
        "unmet": _unmet_items(determination),
        "reviewer": {
            "name": determination.decided_by_name,
            "credentials": determination.decided_by_credentials,
            "rationale": determination.rationale,
        },
        "appeal": _appeal(determination),
    }
    # Beside the policy's words: the plain sentence, the denial code, what would change it.
    context["unmet"] = plain.explain(context["unmet"], req.answers, context["voice"])
    context["flags"] = plain.flag_items(req.review_flags or [], req.review_flag_reasons,
                                        context["voice"])
    # A denial with no criterion among its reasons still has its code.
    other = denial_code("")
    context["other_code"] = {"code": other.code, "meaning": _(other.meaning)}
    if kind in (LetterKind.APPROVAL, LetterKind.APPEAL_OVERTURNED):
        # A reviewer may approve without an attestation; the letter must not claim one.
        context["approved_on_review"] = determination.kind == DecisionKind.REVIEWER
        context["attested_monitoring"] = req.answers.get("attest_monitoring") is True
        context["attested_alcohol_counseling"] = \
            req.answers.get("attest_alcohol_counseling") is True
        # Attestations received as documents after submission are on file, not missing.
        on_file = _on_file(req, determination.created_at)
        context["monitoring_on_file"] = on_file.get("monitoring_attestation", [])
        context["counseling_on_file"] = on_file.get("alcohol_counseling_attestation", [])
        auth = req.authorization
        context["treatment"] = _treatment(req, auth.end_date)
        context["authorization"] = {
            "number": auth.number,
            "quantity": auth.quantity,
            "hcpcs": auth.hcpcs_code,
            "icd10": auth.icd10_code,
            "start": letter_date(auth.start_date),
            "end": letter_date(auth.end_date),
            "days": (auth.end_date - auth.start_date).days + 1,  # counting the first day
        }
    if kind == LetterKind.PENDED and req.due_at:
        context["decision_due"] = letter_datetime(req.due_at)
        context["turnaround"] = f"{deadlines.EXPEDITED_TURNAROUND_WORDS} (expedited)" \
            if req.expedited else deadlines.STANDARD_TURNAROUND_CALENDAR_WORDS
    return context


def information_context(ir, copy: str = PRESCRIBER) -> dict[str, Any]:
    """The "Information needed" letter: what, why and by when; no PHI beyond
    what every letter carries."""

    req = ir.request
    names = [findings.translate(criterion_name(c)) for c in ir.criteria]
    return {
        **_common(req, copy),
        "kind": LetterKind.INFORMATION,
        "title": _(INFORMATION_TITLE),
        "letter_date": letter_date(ir.paused_at),
        "policy": {"number": req.policy_version, "title": policy.POLICY_TITLE,
                   "effective": letter_date(policy.POLICY_EFFECTIVE)},
        # The criteria's names in the letter's language (letters/findings.py).
        "criteria": [name.text for name in names],
        "criteria_translated": all(name.translated for name in names),
        "document_kinds": [_(DocumentKind(k).label) for k in ir.document_kinds],
        "message": ir.message,
        "due": letter_datetime(ir.due_at),
        "respond_path": f"/requests/{req.pk}/respond/",
    }


def _weasyprint(html: str, tagline_languages: list[str] | None = None, **options) -> bytes:
    # PDF/A-3a: tagged (structure, language, title) for screen readers, and archival.
    # Uncompressed and with no file identifier: pdf_tags.finish writes the PDF
    # again, compresses it and writes the identifier then.
    # WeasyPrint's compression (zlib level 9, each stream twice) cost 18 ms a letter.
    # The letters' style parsed once (letter_sheet.css); their footer is in `html`.
    # LetterHTML: WeasyPrint's user-agent style less what no letter uses (reuse.py).
    # Tagline languages (the insert's), header scopes, one /AF entry per file
    # (pdf_tags.py), set by WeasyPrint's finisher on the objects before it writes them.
    return reuse.LetterHTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        pdf_variant="pdf/a-3a", font_config=reuse.font_config(), uncompressed_pdf=True,
        pdf_identifier=False, stylesheets=[reuse.stylesheet()],
        finisher=pdf_tags.tagger(tagline_languages or []), **options)


def _insert_html(context: dict[str, Any]) -> str:
    """The insert after a letter's pages (insert.html): language help, auxiliary
    aids, the nondiscrimination notice and the taglines, in the letter's words."""
    return render_to_string("letters/insert.html", context)


def _write_pdf(html: str, insert_html: str = "", **options) -> bytes:
    """The PDF of `html`, with the insert after its pages (rendered once for
    its words: reuse.insert)."""
    insert = None
    if insert_html:
        # It ends with every tagline (_taglines.html). Kept compressed: finish
        # copies its streams as they are (2.6 ms).
        languages = [t.code for t in TAGLINES]
        insert = reuse.insert(insert_html, lambda text: pdf_tags.finish(
            _weasyprint(text, tagline_languages=languages)))
    return pdf_tags.finish(_weasyprint(html, **options), insert)


def render_cover_pdf(html: str) -> bytes:
    """A print batch's cover sheet (letters/mailing.py)."""
    return _write_pdf(html)


def render_information_pdf(ir, copy: str = PRESCRIBER) -> bytes:
    # Its JSON files too: the decision as it stood when information was asked
    # for (the pending determination), and the answers.
    pending = (ir.request.determinations.filter(created_at__lte=ir.paused_at)
               .order_by("-created_at", "-id").first())
    with language.letter_language(copy == MEMBER, preferred_language(ir.request)):
        context = information_context(ir, copy)
        html = render_to_string("letters/information.html", context)
        insert_html = _insert_html(context)
    return _write_pdf(html, insert_html,
                      attachments=reuse.attachments(pending) if pending is not None else None)


def _render_determination(determination: Determination, copy: str) -> bytes:
    # The member's copy in the member's language; the prescriber's in English.
    with language.letter_language(copy == MEMBER, preferred_language(determination.request)):
        context = letter_context(determination, copy)
        html = render_to_string(TEMPLATE_BY_KIND[context["kind"]], context)
        insert_html = _insert_html(context)
    # PDF/A-3 with the decision and answers as FHIR JSON files inside (fhir/bundle.py).
    return _write_pdf(html, insert_html, attachments=reuse.attachments(determination))


def render_pdf(determination: Determination) -> bytes:
    """The prescriber's copy (Letter.pdf)."""
    return _render_determination(determination, PRESCRIBER)


def render_member_pdf(determination: Determination) -> bytes:
    """The member's copy (MemberCopy.pdf), for mailing."""
    return _render_determination(determination, MEMBER)


def latest_lettered_determination(req: AuthorizationRequest) -> Determination | None:
    """The request's latest determination that gets a letter; None for a
    request not yet decided. (services.letter_latest issues its letter.)"""
    for determination in req.determinations.order_by("-created_at", "-id"):
        if needs_letter(determination):
            return determination
    return None


def determinations_missing_letters() -> QuerySet[Determination]:
    """Determinations that should have a letter and have none."""
    first_ids = (Determination.objects.values("request")
                 .annotate(first_id=Min("id")).values("first_id"))
    return (Determination.objects
            .filter(letter__isnull=True)
            .filter(Q(kind=DecisionKind.REVIEWER) | Q(status=Status.APPROVED)
                    | Q(id__in=first_ids))
            .select_related("request", "request__htc", "request__prescriber")
            .order_by("id"))
