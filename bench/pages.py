"""The benchmark's figures for the pages after submission: answering a request
for information, the infusion record, a follow-up assessment, the FHIR Bundle
and Questionnaire, and a 20 MB document upload (the worker's memory growth).
Run by bench/benchmark.py, which starts the server and prints the login page's
p50 first; every page here is given as a ratio to it.

The states these pages need (a request waiting for information, an approved
request, an infused one) are made through the services, as the application
makes them.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from bench.httpclient import Client, form_fields, summarize, timed_gets
from bench.journey import patient_name

MB = 1024 * 1024


def _prescriber():
    from authorizations.models import PrescriberProfile

    return PrescriberProfile.objects.select_related("user", "htc").get(
        user__username="bench-prescriber-0").user


def _submitted(user, **changes):
    from django.utils import timezone

    from authorizations.requests.services import request_create, request_save_draft, request_submit
    from tests.cases import case_for
    from tests.factories import attach_reports

    req = request_create(by=user, htc=user.prescriber.htc)
    # A member and a patient of its own: one treatment per lifetime, and the
    # possible-duplicate flag, would send repeats to a reviewer.
    request_save_draft(by=user, req=req, step="review", answers=case_for(
        timezone.localdate(), member_id="PAGES-" + secrets.token_hex(6).upper(),
        patient_last_name=patient_name(), **changes))
    # The two reports the policy asks for: without them no approval at once.
    attach_reports(user, req)
    request_submit(by=user, req=req)
    req.refresh_from_db()
    return req


def waiting_for_information(user, reviewer, n: int) -> list[int]:
    from authorizations.review.services import information_request

    out = []
    for _ in range(n):
        req = _submitted(user, hbsag="positive")  # pends for a reviewer
        information_request(by=reviewer, req=req, criteria=["hepatitis_b"],
                            document_kinds=[], message="Send the HBV DNA result.")
        out.append(req.pk)
    return out


def approved(user, n: int) -> list[int]:
    return [_submitted(user).pk for _ in range(n)]


def infused(user, n: int) -> list[int]:
    from django.utils import timezone

    from authorizations.models import AuthorizationRequest
    from authorizations.treatment.services import infusion_record
    from tests.treatment.helpers import infusion_data

    out = []
    for pk in approved(user, n):
        req = AuthorizationRequest.objects.get(pk=pk)
        infusion_record(by=user, auth=req.authorization,
                        data=infusion_data(timezone.localdate()))
        out.append(pk)
    return out


def _form(client: Client, path: str, answers: dict[str, str], **extra) -> dict[str, str]:
    """The page's form as shown, with `answers` typed in."""
    fields = form_fields(client.get(path).text)
    data = {name: (f["value"] or (f["options"][0] if f["options"] else "") or "")
            for name, f in fields.items() if name != "csrfmiddlewaretoken"}
    return {**data, **answers, **extra}


class Pages:
    def __init__(self, client: Client, base_p50: float, samples: int):
        self.client, self.base, self.samples = client, base_p50, samples

    def line(self, label: str, seconds: list[float]) -> None:
        p50, p99 = summarize(seconds)
        print(f"{label:32} {p50:8.2f} {p99:8.2f} {p50 / self.base:8.1f}")

    def gets(self, label: str, path: str, n: int | None = None) -> None:
        self.line(label, timed_gets(self.client, path, n or self.samples))

    def posts(self, label: str, items: list[tuple[str, dict]], expect: int = 302) -> None:
        out = []
        for path, data in items:
            response = self.client.post(path, data)
            if response.status != expect:
                raise RuntimeError(f"POST {path} gave HTTP {response.status}")
            out.append(response.seconds)
        self.line(label, out)


def run_pages(port: int, base_p50: float, samples: int, password: str) -> None:
    from django.contrib.auth.models import User
    from django.utils import timezone

    user, reviewer = _prescriber(), User.objects.get(username="bench-reviewer")
    n = max(10, samples // 10)
    informing = waiting_for_information(user, reviewer, n + 1)
    to_infuse = approved(user, n + 1)
    after = infused(user, 1)[0]

    client = Client("127.0.0.1", port)
    client.login("bench-prescriber-0", password)
    pages = Pages(client, base_p50, samples)
    print("== Pages after submission (ms)     p50      p99   p50 ratio to login")
    pages.gets("GET  respond to information", f"/requests/{informing[0]}/respond/")
    pages.posts("POST respond to information", [
        (f"/requests/{pk}/respond/", {"note": "HBV DNA undetectable, lab report attached."})
        for pk in informing[1:]])
    pages.gets("GET  infusion record", f"/requests/{to_infuse[0]}/infusion/")
    today = timezone.localdate()
    infusion = {"infused_on": f"{today:%m/%d/%Y}", "lots": "L123, L124", "weight_kg": "72",
                "dose_gc_per_kg": "2e13", "site_name": "Lakeside Infusion Center",
                "site_npi": "1234567893", "baseline_treated_bleeds": "4",
                "baseline_factor_ix_product": "rFIX", "full_dose": "yes"}
    pages.posts("POST infusion record", [
        (f"/requests/{pk}/infusion/", _form(client, f"/requests/{pk}/infusion/", infusion))
        for pk in to_infuse[1:]])
    follow_up = f"/requests/{after}/follow-ups/1/"
    pages.gets("GET  follow-up assessment", follow_up)
    draft = _form(client, follow_up, {"bleeds_total": "1", "bleeds_treated": "0",
                                      "note": "Doing well."})
    draft.pop("submit", None)  # save as a draft: the same assessment again and again
    pages.posts("POST follow-up (save draft)", [(follow_up, draft)] * n)
    pages.gets("GET  FHIR Bundle", f"/requests/{after}/fhir.json")
    pages.gets("GET  FHIR Questionnaire", "/fhir/Questionnaire/hemgenix-2026D0120K")
    client.close()
    print()


# --- A 20 MB upload: the worker's memory ----------------------------------

def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def run_upload(server, password: str, uploads: int = 3) -> None:
    """Upload a 20 MB PDF (the largest allowed) `uploads` times; print how far
    the resident set of the worker that took it grew above its size before
    (peak, VmHWM, reset through /proc/<pid>/clear_refs)."""
    from authorizations.documents import services as documents
    from tests.files import pdf_of_size

    size = documents.MAX_BYTES
    data = pdf_of_size(size)
    user = _prescriber()
    client = Client("127.0.0.1", server.port)
    client.login("bench-prescriber-0", password)
    # Documents are added while a request is open: one waiting for a reviewer.
    path = f"/requests/{_submitted(user, hbsag='positive').pk}/documents/"
    print(f"== A {size / MB:.0f} MB document upload (PDF), {uploads} times")
    for i in range(uploads):
        client.get(path)
        before = {}
        for pid in server.worker_pids():
            Path(f"/proc/{pid}/clear_refs").write_text("5")  # peak := current
            before[pid] = _status_kb(pid, "VmRSS")
        started = time.perf_counter()
        response = client.post_file(path, {"kind": "clinic_note", "criterion": ""}, "file",
                                    "whole-chart.pdf", data, "application/pdf")
        seconds = time.perf_counter() - started
        if response.status != 302:
            raise RuntimeError(f"upload gave HTTP {response.status}")
        growth = max((_status_kb(pid, "VmHWM") - kb) * 1024 for pid, kb in before.items())
        print(f"upload {i + 1}: {seconds * 1000:7.0f} ms, worker peak RSS growth "
              f"{growth / MB:6.1f} MB ({growth / size:.1f}x the file)")
    client.close()
    print()
