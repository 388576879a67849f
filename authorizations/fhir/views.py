"""FHIR pages: the public Questionnaire of each policy version, a request as
a Bundle (same readers as its letters: the owning HTC's prescribers and the
reviewers), and the prescriber's upload of a QuestionnaireResponse."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import quote_etag
from django.views.decorators.http import require_GET, require_http_methods
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.library import Library

from authorizations import policy
from authorizations.core import ratelimit
from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit
from authorizations.core.pages import SERVICE_NAME, prescriber_required
from authorizations.fhir import bundle, dtr, importing, jsonio, questionnaire
from authorizations.fhir.forms import ImportForm
from authorizations.letters.pages import can_read_letters
from authorizations.models import AuthorizationRequest

UPLOADS_PER_HOUR = 30


def fhir_response(body: str, *, status: int = 200) -> HttpResponse:
    return HttpResponse(body.encode(), status=status,
                        content_type=f"{jsonio.CONTENT_TYPE}; charset=utf-8")


def questionnaire_body(version: policy.PolicyVersion) -> tuple[str, str]:
    """(JSON, ETag) of one version's Questionnaire."""
    return _questionnaire_body(version, settings.PAYER_NAME)


@lru_cache(maxsize=16)
def _questionnaire_body(version: policy.PolicyVersion, publisher: str) -> tuple[str, str]:
    # Written once per process, like the resource itself: writing its 60 KB of
    # JSON was most of each request's time (docs/benchmarks.md).
    body = jsonio.dumps(questionnaire.build_questionnaire(version, publisher=publisher))
    return body, quote_etag(hashlib.sha256(body.encode()).hexdigest()[:32])


@require_GET
def questionnaire_read(request, resource_id: str):
    """No patient data, no login: an EHR's DTR app fetches it as it is."""
    version = questionnaire.version_for_id(resource_id)
    if version is None:
        raise Http404("No Questionnaire with this id")
    body, etag = questionnaire_body(version)
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        response = fhir_response(body)
    response["ETag"] = etag
    response["X-Policy-Version"] = version.number
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def questionnaire_search(request):
    """Every version's Questionnaire as a searchset Bundle, newest first."""
    resources = [questionnaire.build_questionnaire(v, publisher=settings.PAYER_NAME)
                 for v in policy.versions()]
    base = request.build_absolute_uri("/fhir/Questionnaire/")
    result = Bundle(type="searchset", total=len(resources),
                    entry=[{"fullUrl": base + r.id, "resource": r, "search": {"mode": "match"}}
                           for r in resources])
    response = fhir_response(jsonio.dumps(result))
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def library_read(request, resource_id: str):
    """The CQL the Questionnaire's initialExpressions name, as a FHIR Library:
    public like the Questionnaire (no patient data)."""
    if resource_id != dtr.LIBRARY_ID:
        raise Http404("No Library with this id")
    response = fhir_response(jsonio.dumps(Library.model_validate(dtr.library())))
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
@login_required
def request_fhir(request, pk: int):
    req = get_object_or_404(AuthorizationRequest.objects.select_related(
        "htc", "prescriber", "prescriber__prescriber"), pk=pk)
    if not can_read_letters(request.user, req):
        raise Http404  # a stranger must not learn that the request exists
    audit(by=request.user, action=AuditAction.FHIR_EXPORT, obj=req)
    response = fhir_response(jsonio.dumps(bundle.request_bundle(req)))
    response["Content-Disposition"] = f'inline; filename="{req.number}.fhir.json"'
    response["Cache-Control"] = "private, no-store"  # patient data
    return response


@prescriber_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    status = None
    problems: list[policy.Problem] = []
    if request.method == "POST" and ratelimit.over(
            f"fhir-import:user:{request.user.pk}", UPLOADS_PER_HOUR, 3600):
        # Each upload is parsed and validated on the web worker: a ceiling per
        # prescriber keeps one account from tying the workers up (N1).
        form.add_error("file", f"You have uploaded {UPLOADS_PER_HOUR} files in the last "
                               "hour, the most allowed. Try again later")
        status = 429
    elif request.method == "POST" and form.is_valid():
        try:
            req = importing.import_questionnaire_response(
                by=request.user, htc=request.prescriber_profile.htc,
                text=form.cleaned_data["file"].read(), via="upload")
        except importing.ImportRefused as exc:
            problems = exc.problems
        else:
            messages.success(request, f"Draft {req.number} was created from the uploaded "
                                      "answers. Check each step and submit it.")
            return redirect("request_resume", pk=req.pk)
    summary = form.error_summary()
    if problems:
        summary.append(("import-problems", "The file could not be imported: fix the problems "
                                           "listed below and upload it again"))
    return render(request, "fhir/import.html", {
        "page_title": f"{'Error: ' if summary else ''}Import answers from your EHR – "
                      f"{SERVICE_NAME}",
        "form": form,
        "problems": problems,
        "error_summary": summary,
        "questionnaire_url": reverse("fhir_questionnaire", args=[
            questionnaire.questionnaire_id(policy.CURRENT)]),
    }, status=status if summary and status else 400 if summary else 200)
