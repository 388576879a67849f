"""The audit log records who did what to which request, without patient data;
the application logs carry no patient data either, whatever happens."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from authorizations.models import AuditEvent, AuthorizationRequest, Status
from authorizations.requests.services import (
    request_create,
    request_decide,
    request_save_draft,
    request_submit,
)
from tests.phi import PATIENT, phi_in
from tests.walker import Walker, step_post_data

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    user.refresh_from_db()
    client = Client()
    client.force_login(user)
    return client


def events(req, action):
    return list(AuditEvent.objects.filter(object_type="AuthorizationRequest",
                                          object_id=str(req.pk), action=action)
                .order_by("at", "id"))


def assert_no_phi_in_audit():
    for event in AuditEvent.objects.all():
        text = json.dumps(event.detail) + str(event)
        assert not phi_in(text), (event.action, event.detail)


def walk_and_submit(client, case, django_capture_on_commit_callbacks, *, reports=True
                    ) -> AuthorizationRequest:
    walker = Walker(client, reports=reports)
    walker.walk_to("review", case)
    with django_capture_on_commit_callbacks(execute=True):
        response = walker.submit_step(case)
    assert response["Location"] == f"/requests/{walker.pk}/"
    return walker.request()


@pytest.fixture
def _quick(monkeypatch):
    from authorizations.letters import rendering as letters

    monkeypatch.setattr(letters, "render_pdf", lambda d: b"%PDF-1.7 test " + str(d.pk).encode())


def test_every_action_on_a_request_is_audited_with_actor_and_id(
        prescriber, reviewer, _quick, django_capture_on_commit_callbacks):
    owner = signed_in(prescriber)
    approved = walk_and_submit(owner, dict(PATIENT), django_capture_on_commit_callbacks)
    # Pended by a review flag alone (no reports attached): one reviewer may approve it.
    pended = walk_and_submit(owner, {**PATIENT, "member_id": "UHC-555"},
                             django_capture_on_commit_callbacks, reports=False)
    denied = walk_and_submit(owner, {**PATIENT, "member_id": "UHC-556", "hbsag": "positive"},
                             django_capture_on_commit_callbacks)
    assert (approved.status, pended.status) == (Status.APPROVED, Status.PENDING_REVIEW)

    owner.get(f"/requests/{approved.pk}/")
    owner.get(f"/requests/{approved.pk}/export.json")
    owner.get(f"/requests/{approved.pk}/letter.pdf")

    # A reviewer decides one in the admin and one through the service.
    admin = signed_in(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            f"/admin/authorizations/authorizationrequest/{pended.pk}/decide/",
            {"decision": "approve", "rationale": "Both reports seen at the HTC."})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        request_decide(by=reviewer, req=denied, approve=False,
                       rationale="HBsAg positive.")
    admin.get(f"/requests/{denied.pk}/letter.pdf")

    expected = [(approved, "create", prescriber), (approved, "save_draft", prescriber),
                (approved, "submit", prescriber), (approved, "view", prescriber),
                (approved, "export", prescriber), (approved, "download", prescriber),
                (pended, "submit", prescriber), (pended, "approve", reviewer),
                (denied, "deny", reviewer), (denied, "download", reviewer)]
    for req, action, actor in expected:
        rows = events(req, action)
        assert rows, f"no {action!r} audit event for {req.number}"
        assert {(e.actor_id, e.actor_username) for e in rows} == {
            (actor.pk, actor.get_username())}, action
    # One save per step answered, each naming the step only.
    steps = [e.detail["step"] for e in events(approved, "save_draft")]
    assert steps[0] == "patient" and steps[-1] == "review"
    assert events(approved, "submit")[0].detail["status"] == Status.APPROVED
    assert_no_phi_in_audit()


def test_a_discarded_draft_keeps_its_audit_trail(prescriber):
    owner = signed_in(prescriber)
    walker = Walker(owner)
    walker.walk_to("diagnosis", dict(PATIENT))
    pk = walker.pk
    response = owner.post(f"/requests/{pk}/discard/", {"confirm": "yes"})
    assert response.status_code == 302
    assert not AuthorizationRequest.objects.filter(pk=pk).exists()
    # No foreign key: the rows outlive the request.
    actions = set(AuditEvent.objects.filter(object_id=str(pk)).values_list("action", flat=True))
    assert {"create", "save_draft", "discard"} <= actions
    assert_no_phi_in_audit()


def test_a_reviewer_opening_a_request_in_the_admin_is_audited(prescriber, reviewer, submit,
                                                               _quick):
    req = submit(prescriber, dict(PATIENT))
    page = signed_in(reviewer).get(f"/admin/authorizations/authorizationrequest/{req.pk}/change/")
    assert page.status_code == 200
    assert [e.actor_id for e in events(req, "view")] == [reviewer.pk]


# --------------------------------------------------------------------------
# Logs
# --------------------------------------------------------------------------

# Every logger at DEBUG, as with DJANGO_LOG_LEVEL=DEBUG and more: the root and
# each logger that could see a request. Except django.template: its DEBUG
# records ("Exception while resolving variable ...") quote the template
# context, form values included, and Django's own logging configuration keeps
# the "django" loggers at INFO whatever DJANGO_LOG_LEVEL says (checked below).
LOGGERS = ["", "django.request", "django.server", "django.security", "django.security.csrf",
           "django.db.backends", "django.contrib", "axes", "authorizations", "formtools",
           "weasyprint", "fontTools", "py.warnings", "gunicorn", "hypothesis",
           "hemgenix.requests", "hemgenix.audit"]


def test_template_variable_debug_records_stay_off_at_any_log_level():
    for name in ("django.template", "django.request", "django.db.backends"):
        assert logging.getLogger(name).getEffectiveLevel() > logging.DEBUG, name


@pytest.fixture
def all_logs(caplog):
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def logged_text_of(record: logging.LogRecord) -> str:
    """Everything a handler could write of a record: message, arguments, extra
    attributes and the exception with its traceback."""
    parts = [record.getMessage(), repr(record.args),
             repr({k: v for k, v in record.__dict__.items() if k not in ("args", "msg")})]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
        parts.append(repr(record.exc_info[1]))
    return "\n".join(parts)


def logged_text(caplog) -> str:
    return caplog.text + "\n".join(logged_text_of(r) for r in caplog.records)


def test_logs_of_a_whole_request_carry_no_patient_data(
        all_logs, prescriber, other_prescriber, reviewer, django_capture_on_commit_callbacks,
        monkeypatch):
    owner = signed_in(prescriber)
    case = dict(PATIENT)
    walker = Walker(owner)
    # A bad form post (weight out of range) with the patient's details in it.
    bad = step_post_data("patient", {**case, "weight_kg": 9999}, prefix="request_new")
    response = owner.post("/requests/new/", bad)
    assert response.status_code == 200 and "Thistlewood" in response.content.decode()
    # Every step, "Back", a junk date, through the submit.
    walker.walk_to("diagnosis", case)
    junk = step_post_data("diagnosis", case, prefix=walker.prefix)
    junk[f"{walker.prefix}-current_step"] = "patient"
    junk["patient-date_of_birth"] = "23/08/1979 or so"
    assert owner.post(walker.url, junk).status_code == 200
    walker.walk_to("review", case)
    with django_capture_on_commit_callbacks(execute=True):
        walker.submit_step(case)
    req = walker.request()
    assert req.status == Status.APPROVED
    # The result page, the export and the letter (rendered by WeasyPrint).
    assert "Thistlewood" in owner.get(f"/requests/{req.pk}/").content.decode()
    assert owner.get(f"/requests/{req.pk}/export.json").status_code == 200
    assert owner.get(f"/requests/{req.pk}/letter.pdf").status_code == 200
    # A renderer failure on another request, logged with its traceback.
    from authorizations.letters import rendering as letters

    def broken(determination):
        raise OSError("renderer unavailable")

    pended = request_create(by=prescriber, htc=prescriber.prescriber.htc)
    request_save_draft(by=prescriber, req=pended,
                       answers={**case, "member_id": "UHC-1", "hbsag": "positive"},
                       step="review")
    monkeypatch.setattr(letters, "render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        request_submit(by=prescriber, req=pended)
    assert owner.get(f"/requests/{pended.pk}/letter.pdf").status_code == 503
    # Another HTC's prescriber trying the request: 404s, logged as warnings.
    other = signed_in(other_prescriber)
    for url in (f"/requests/{req.pk}/", f"/requests/{req.pk}/export.json",
                f"/requests/{req.pk}/letter.pdf", f"/requests/{req.pk}/edit/patient/"):
        assert other.get(url).status_code == 404
    # A reviewer searches the queue by name and opens the request.
    admin = signed_in(reviewer)
    assert admin.get("/admin/authorizations/authorizationrequest/",
                     {"q": "Thistlewood"}).status_code == 200
    assert admin.get(f"/admin/authorizations/authorizationrequest/{req.pk}/change/"
                     ).status_code == 200

    assert any(r.name == "django.request" and r.levelno == logging.WARNING
               for r in all_logs.records), "the 404s were not logged: is capture working?"
    assert any("letter rendering failed" in r.getMessage() for r in all_logs.records)
    # The JSON lines of every request and audit event were there to read.
    assert any(r.name == "hemgenix.requests" for r in all_logs.records)
    assert any(r.name == "hemgenix.audit" for r in all_logs.records)
    leaks = [f"{r.name} {r.levelname}: {r.getMessage()[:200]}" for r in all_logs.records
             if phi_in(logged_text_of(r))]
    assert not leaks, "patient data in the logs:\n" + "\n".join(leaks[:10])
    found = phi_in(logged_text(all_logs))
    assert not found, f"patient data in the logs: {found}"


def test_a_server_error_during_a_step_logs_no_patient_data(all_logs, prescriber, monkeypatch):
    """The error is logged with its traceback; the posted answers are not."""
    from authorizations.requests.wizard import storage

    def down(**kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(storage, "request_create", down)
    prescriber.refresh_from_db()
    client = Client(raise_request_exception=False)
    client.force_login(prescriber)
    client.get("/requests/new/")
    response = client.post("/requests/new/",
                           step_post_data("patient", dict(PATIENT), prefix="request_new"))
    assert response.status_code == 500
    html = response.content.decode()
    assert not phi_in(html)
    errors = [r for r in all_logs.records if r.name == "django.request"
              and r.levelno == logging.ERROR]
    assert errors and "database unavailable" in logged_text_of(errors[0])
    found = phi_in(logged_text(all_logs))
    assert not found, f"patient data in the logs: {found}"


def test_gunicorn_access_log_leaves_out_query_strings_and_referers():
    """An admin search (?q=name) or a Referer holding one must not reach the access log."""
    import re
    import runpy

    from django.conf import settings

    config = runpy.run_path(str(settings.BASE_DIR / "hemgenix_site" / "gunicorn.conf.py"))
    atoms = set(re.findall(r"%\((\w+)\)s", config["access_log_format"]))
    assert "U" in atoms  # the path
    # r: request line with query, q: query, f: referer, a: user agent, {..}i/e: headers.
    assert not atoms & {"r", "q", "f", "a"}, atoms
    assert "{" not in config["access_log_format"]


def test_audit_events_cannot_be_changed_or_deleted_in_the_admin(prescriber, reviewer, submit,
                                                                 _quick):
    from django.contrib.auth.models import User

    req = submit(prescriber, dict(PATIENT))
    event = events(req, "submit")[0]
    before = (event.action, event.actor_id, event.detail)
    superuser = User.objects.create_superuser("root", "root@example.org", "x" * 20)
    base = "/admin/authorizations/auditevent/"
    for user in (reviewer, superuser):
        client = signed_in(user)
        page = client.get(f"{base}{event.pk}/change/")
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()
        assert client.get(f"{base}add/").status_code == 403
        assert client.get(f"{base}{event.pk}/delete/").status_code == 403
        assert client.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
        client.post(f"{base}{event.pk}/change/", {"action": "edited", "actor_username": "x"})
        client.post(base, {"action": "delete_selected", "_selected_action": [event.pk],
                           "post": "yes"})
    event.refresh_from_db()
    assert (event.action, event.actor_id, event.detail) == before
