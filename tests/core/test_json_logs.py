"""The log lines an operator ships: one JSON object per request and per audit
event, a request ID in each and in the response's X-Request-ID, and no
patient data (tests/phi.py's patient)."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from authorizations.core.logs import JSONFormatter, RequestIDFilter, request_id_for
from authorizations.models import AuditEvent
from authorizations.requests.services import request_create, request_save_draft
from tests.phi import PATIENT, phi_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(caplog):
    """Each captured record as the console handler writes it: a JSON line."""
    for name in ("hemgenix.requests", "hemgenix.audit"):
        caplog.set_level(logging.INFO, logger=name)
    formatter, stamp = JSONFormatter(), RequestIDFilter()

    def read(logger: str | None = None) -> list[dict]:
        out = []
        for record in caplog.records:
            if logger is None or record.name == logger:
                stamp.filter(record)
                out.append(json.loads(formatter.format(record)))
        return out

    read.text = lambda: "\n".join(  # type: ignore[attr-defined]
        JSONFormatter().format(r) for r in caplog.records)
    return read


def signed_in(user) -> Client:
    user.refresh_from_db()
    client = Client()
    client.force_login(user)
    return client


def test_one_json_line_per_request_with_its_id_in_the_response(lines, prescriber):
    client = signed_in(prescriber)
    response = client.get("/requests/")
    assert response.status_code == 200
    [line] = lines("hemgenix.requests")
    assert line["event"] == "request"
    assert line["method"] == "GET" and line["status"] == 200
    assert line["route"] == "requests/" and line["path"] == "/requests/"
    assert line["user_id"] == prescriber.pk
    assert isinstance(line["duration_ms"], float)
    assert line["request_id"] == response["X-Request-ID"]
    assert len(response["X-Request-ID"]) == 32
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")


def test_the_proxys_request_id_is_kept_when_sane_and_replaced_otherwise(lines, client):
    nginx_id = "0f3c9a8e2b7d4c1a9e8f7a6b5c4d3e2f"
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID=nginx_id)["X-Request-ID"] == nginx_id
    for bad in ("Zenobia Thistlewood", "x" * 300, "short", '"><script>', "a\tb-123456"):
        given = client.get("/accounts/login/", HTTP_X_REQUEST_ID=bad)["X-Request-ID"]
        assert given != bad and len(given) == 32
    logged = [line["request_id"] for line in lines("hemgenix.requests")]
    assert logged[0] == nginx_id and not any(phi_in(i) for i in logged)
    assert request_id_for(None) != request_id_for(None)


def test_query_strings_and_unmatched_paths_stay_out_of_the_lines(lines, reviewer, client):
    admin = signed_in(reviewer)
    admin.get("/admin/authorizations/authorizationrequest/", {"q": "Thistlewood"})
    client.get("/requests/Zenobia-Thistlewood-1979-08-23/")
    first, second = lines("hemgenix.requests")
    assert first["path"] == "/admin/authorizations/authorizationrequest/"
    assert second["status"] == 404 and second["path"] is None and second["route"] is None
    # Django's own warning withholds that path too.
    assert any(line["message"] == "Not Found: <path that matched no URL, withheld>"
               for line in lines("django.request"))
    assert not phi_in(lines.text())  # type: ignore[attr-defined]


def test_one_json_line_per_audit_event_once_it_commits(lines, prescriber,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        req = request_create(by=prescriber, htc=prescriber.prescriber.htc)
        request_save_draft(by=prescriber, req=req, answers=dict(PATIENT), step="patient")
    audit = lines("hemgenix.audit")
    events = AuditEvent.objects.filter(object_type="AuthorizationRequest",
                                       object_id=str(req.pk)).order_by("id")
    assert [line["audit_id"] for line in audit] == [e.pk for e in events]
    assert audit[0]["event"] == "audit"
    assert audit[0]["action"] == events[0].action
    assert audit[0]["actor_id"] == prescriber.pk
    assert audit[0]["object_type"] == "AuthorizationRequest"
    assert audit[0]["object_id"] == str(req.pk)
    assert not phi_in(lines.text())  # type: ignore[attr-defined]


def test_a_rolled_back_service_writes_no_audit_line(lines, prescriber,
                                                    django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            request_create(by=prescriber, htc=prescriber.prescriber.htc)
            raise RuntimeError("the service failed after auditing")
    assert lines("hemgenix.audit") == []


def test_a_server_error_is_logged_with_the_request_id(lines, prescriber, monkeypatch, caplog):
    from authorizations.requests import views

    def down(*args, **kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(views, "render", down)
    client = signed_in(prescriber)
    client.raise_request_exception = False
    response = client.get("/requests/")
    assert response.status_code == 500
    ids = {line["request_id"] for line in lines() if line["logger"] in
           ("django.request", "hemgenix.requests")}
    assert ids == {response["X-Request-ID"]}
