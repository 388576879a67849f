"""SMART App Launch (EHR launch) from the CRD card's "smart" link (issue 22):
the EHR opens /smart/launch with its iss and launch; a registered EHR's
SMART configuration is read, the browser goes to its authorize endpoint with
PKCE S256, comes back to /smart/callback, the code is traded for the token
response, whose appContext names the prefilled request form. Against a small
EHR on a local port (tests/api/smart_ehr.py); an unknown iss is never
called; state, the EHR's errors and a missing appContext give a page that
says what to do."""

from __future__ import annotations

import json
import logging
import re
import socket
import urllib.error
import urllib.request
from html import unescape
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import jwt
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from authorizations.api import services as api_services
from authorizations.api import smart
from authorizations.api.models import CDSClient
from authorizations.models import AuditEvent, AuthorizationRequest
from authorizations.requests.ehr_services import ehr_launch_create
from tests.api.smart_ehr import CLIENT_ID, PATIENT_ID, FakeEHR, s256
from tests.api.test_cds import EXAMPLE, ISSUER, call, keys, token  # noqa: F401 (fixtures)
from tests.factories import PrescriberFactory, UserFactory

pytestmark = pytest.mark.django_db
LAUNCH = "/smart/launch"
CALLBACK = "/smart/callback"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def ehr():
    with FakeEHR() as server:
        yield server


@pytest.fixture
def admin(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def smart_client(keys, prescriber, ehr, admin):  # noqa: F811
    public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(keys[0].public_key()))
    return api_services.cds_client_register(
        by=admin, htc=prescriber.prescriber.htc, name="Test EHR", issuer=ISSUER,
        jwks={"keys": [{**public, "kid": "k1", "alg": "ES384"}]}, smart_launch=True,
        fhir_base_url=ehr.iss + "/", smart_client_id=CLIENT_ID)


@pytest.fixture
def no_outbound(monkeypatch):
    """Any outbound call fails the test."""
    def refuse(url, **kwargs):
        pytest.fail(f"an outbound request was made: {url}")
    monkeypatch.setattr(smart, "fetch_json", refuse)


def card_link(client, keys) -> dict:  # noqa: F811
    response = call(client, json.loads(EXAMPLE.read_text()), token(keys[0]))
    assert response.status_code == 200, response.content
    return response.json()["cards"][0]["links"][1]


def form_context(prescriber, patient: str = "") -> str:
    """A card's appContext, the launch kept as the CDS Hooks service keeps it."""
    _, form_token = ehr_launch_create(
        by=None, htc=prescriber.prescriber.htc, order="MedicationRequest/103", patient=patient,
        answers={"patient_first_name": "Ada", "patient_last_name": "Quinlan"})
    return json.dumps({"token": form_token})


def launch(client, ehr, launch_id="xyz123"):
    return client.get(LAUNCH, {"iss": ehr.iss, "launch": launch_id})


def continue_url(response) -> str:
    """Where the launch page sends the browser on (its meta refresh and its link)."""
    assert response.status_code == 200
    html = response.content.decode()
    refresh = re.search(r'<meta http-equiv="refresh" content="0;url=([^"]+)">', html)
    link = re.search(r'<a [^>]*href="([^"]+)" data-testid="smart-continue"', html)
    assert refresh and link and refresh.group(1) == link.group(1)
    return unescape(link.group(1))


def authorize(location: str) -> str:
    """The browser at the EHR's authorize endpoint: the callback it is sent to."""
    opener = urllib.request.build_opener(_NoRedirect())
    try:
        opener.open(location, timeout=5)
    except urllib.error.HTTPError as exc:
        assert exc.code == 302
        back = urlsplit(exc.headers["Location"])
        assert back.netloc == "testserver" and back.path == CALLBACK
        return f"{back.path}?{back.query}"
    pytest.fail("the EHR's authorize endpoint did not redirect")


def error_text(response) -> str:
    html = unescape(response.content.decode())
    assert "The launch from your EHR did not work" in html
    assert "Traceback" not in html
    return html


def test_the_whole_launch_from_the_card_to_the_confirmation_page(
        client, keys, ehr, smart_client, prescriber, caplog):  # noqa: F811
    caplog.set_level(logging.DEBUG)
    link = card_link(client, keys)
    # The card's link is the launch URL; its appContext carries the form's token.
    assert link["type"] == "smart" and link["url"] == "http://testserver" + LAUNCH
    ehr.app_context = link["appContext"]
    client.force_login(prescriber)
    response = launch(client, ehr)
    assert "Continuing to your EHR" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    location = continue_url(response)
    assert location.startswith(ehr.base + "/auth/authorize?")
    assert ehr.paths == ["/fhir/r4/.well-known/smart-configuration"]
    params = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert params.pop("state") and params.pop("code_challenge")
    assert params == {
        "response_type": "code", "client_id": CLIENT_ID,
        "redirect_uri": "http://testserver" + CALLBACK, "launch": "xyz123",
        "scope": "launch", "aud": ehr.iss, "code_challenge_method": "S256"}

    callback = authorize(location)
    response = client.get(callback)
    # The EHR's token endpoint saw the PKCE verifier of the challenge (it checks).
    (form,) = ehr.token_forms
    assert s256(form["code_verifier"]) == ehr.authorized[0]["code_challenge"]
    assert 43 <= len(form["code_verifier"]) <= 128
    assert form["grant_type"] == "authorization_code" and form["client_id"] == CLIENT_ID
    assert response.status_code == 302
    form_token = json.loads(link["appContext"])["token"]
    assert response["Location"] == f"/requests/new/from-ehr/{form_token}/"
    page = client.get(response["Location"]).content.decode()
    assert "Start a request from your EHR" in page
    assert "Quinlan" in page and "UHC-100200300" in page  # the EHR's patient

    actions = [e.action for e in AuditEvent.objects.order_by("id")]
    assert [a for a in actions if a.startswith("smart_")] == [
        "smart_launch_start", "smart_launch_complete"]
    details = json.dumps([e.detail for e in AuditEvent.objects.all()])
    logged = caplog.text
    for secret in (form["code"], form["code_verifier"], form_token, "xyz123", PATIENT_ID,
                   "Quinlan"):
        assert secret not in logged and secret not in details


def test_aud_is_the_iss_as_the_ehr_sent_it(client, ehr, smart_client, prescriber):
    client.force_login(prescriber)  # registered as ehr.iss + "/"; launched without it
    location = continue_url(client.get(LAUNCH, {"iss": ehr.iss + "/", "launch": "x"}))
    assert parse_qs(urlsplit(location).query)["aud"] == [ehr.iss + "/"]


def test_a_prescriber_not_signed_in_logs_in_first_and_comes_back(
        client, ehr, smart_client, prescriber):
    query = urlencode({"iss": ehr.iss, "launch": "xyz123"})
    response = client.get(f"{LAUNCH}?{query}")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=" + quote(f"{LAUNCH}?{query}", safe="/")
    assert ehr.paths == []  # nothing asked of the EHR before the login
    client.force_login(prescriber)
    assert continue_url(launch(client, ehr)).startswith(ehr.base + "/auth/authorize?")


@pytest.mark.parametrize("iss", [
    "https://stranger.example.org/fhir",
    "http://169.254.169.254/latest/meta-data",
    "file:///etc/passwd",
    "",
])
def test_an_unknown_iss_is_a_400_page_and_nothing_is_fetched(
        client, ehr, smart_client, prescriber, no_outbound, iss):
    client.force_login(prescriber)
    response = client.get(LAUNCH, {"iss": iss, "launch": "xyz123"})
    assert response.status_code == 400
    html = error_text(response)
    assert ("not registered" in html) if iss else ("without its launch parameters" in html)
    assert ehr.paths == []


def test_a_registered_ehr_that_does_not_launch_smart_apps_is_unknown(
        client, ehr, smart_client, prescriber, no_outbound):
    CDSClient.objects.filter(pk=smart_client.pk).update(smart_launch=False)
    client.force_login(prescriber)
    assert "not registered" in error_text(launch(client, ehr))


def test_another_htcs_prescriber_is_refused_before_any_request(
        client, ehr, smart_client, other_prescriber, no_outbound):
    client.force_login(other_prescriber)
    response = launch(client, ehr)
    assert response.status_code == 403
    assert "another hemophilia treatment center" in error_text(response)


@pytest.mark.parametrize("change, says", [
    ({"code_challenge_methods_supported": ["plain"]}, "PKCE with S256"),
    ({"code_challenge_methods_supported": None}, "PKCE with S256"),
    ({"token_endpoint": "file:///etc/passwd"}, "no usable authorization and token"),
    ({"authorization_endpoint": None}, "no usable authorization and token"),
])
def test_a_smart_configuration_without_what_is_needed_stops_the_launch(
        client, ehr, smart_client, prescriber, change, says):
    ehr.config_changes = change
    client.force_login(prescriber)
    response = launch(client, ehr)
    assert response.status_code == 502
    assert says in error_text(response)
    assert ehr.authorized == []
    assert AuditEvent.objects.filter(action="smart_launch_fail").count() == 1


def started(client, ehr, prescriber) -> str:
    """Launch, and the callback the EHR's authorize endpoint sends back."""
    client.force_login(prescriber)
    return authorize(continue_url(launch(client, ehr)))


def test_a_bad_or_replayed_state_is_refused(client, ehr, smart_client, prescriber):
    ehr.app_context = form_context(prescriber)
    callback = started(client, ehr, prescriber)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    for query in ({"code": code}, {"code": code, "state": "made-up"}):
        response = client.get(CALLBACK, query)
        assert response.status_code == 400
        assert "does not belong to a launch started in this browser" in error_text(response)
    assert ehr.token_forms == []
    assert client.get(callback).status_code == 302  # the real state, once
    replayed = client.get(callback)
    assert replayed.status_code == 400 and "already used" in error_text(replayed)
    assert len(ehr.token_forms) == 1


def test_a_state_from_another_browser_is_refused(client, ehr, smart_client, prescriber):
    ehr.app_context = form_context(prescriber)
    callback = started(client, ehr, prescriber)
    client.logout()  # a new session: the same user, another browser
    client.force_login(prescriber)
    assert client.get(callback).status_code == 400
    assert ehr.token_forms == []


def test_the_ehrs_error_on_the_callback_says_what_to_do(client, ehr, smart_client, prescriber):
    ehr.authorize_error = "access_denied"
    response = client.get(started(client, ehr, prescriber))
    assert response.status_code == 400
    html = error_text(response)
    assert "did not allow this service" in html and "open the request form again" in html
    assert ehr.token_forms == []
    fail = AuditEvent.objects.get(action="smart_launch_fail")
    assert fail.detail == {"reason": "authorization:access_denied"}


@pytest.mark.parametrize("answer, status, says", [
    ((400, {"error": "invalid_grant", "error_description": "code 42 expired"}), 400,
     "already used or expired"),
    ((401, {"error": "invalid_client"}), 400, "does not recognize this service"),
    ((500, {}), 502, "answered HTTP 500"),
    ((200, {"token_type": "Bearer"}), 502, "not a SMART token response"),
])
def test_a_token_endpoint_error_says_what_happened(client, ehr, smart_client, prescriber,
                                                   monkeypatch, answer, status, says):
    callback = started(client, ehr, prescriber)
    real = smart.fetch_json
    monkeypatch.setattr(smart, "fetch_json", lambda url, form=None: answer if form
                        else real(url, form=form))
    response = client.get(callback)
    assert response.status_code == status
    html = error_text(response)
    assert says in html and "code 42" not in html  # the EHR's free text is not shown
    assert not AuthorizationRequest.objects.exists()


def test_a_token_response_without_the_cards_app_context(client, ehr, smart_client, prescriber):
    ehr.app_context = None
    response = client.get(started(client, ehr, prescriber))
    assert response.status_code == 400
    assert "without the card's context" in error_text(response)


def test_a_launch_for_another_patient_than_the_cards_is_refused(client, ehr, smart_client,
                                                                 prescriber):
    ehr.app_context = form_context(prescriber, patient="someone-else")
    response = client.get(started(client, ehr, prescriber))
    assert response.status_code == 400
    assert "for another patient than the one the card's order is for" in error_text(response)
    assert AuditEvent.objects.get(action="smart_launch_fail").detail == {
        "reason": "other_patient"}
    # The same card launched for its own patient opens the form.
    ehr.app_context = form_context(prescriber, patient=PATIENT_ID)
    assert client.get(started(client, ehr, prescriber)).status_code == 302


def test_a_link_already_used_says_so(client, ehr, smart_client, prescriber):
    ehr.app_context = form_context(prescriber)
    client.force_login(prescriber)
    client.post(f"/requests/new/from-ehr/{json.loads(ehr.app_context)['token']}/")
    response = client.get(started(client, ehr, prescriber))
    assert response.status_code == 400
    assert "already started" in error_text(response)


# ---- fetch_json, the one outbound function ------------------------------

def test_fetch_json_reads_json_posts_a_form_and_follows_no_redirect(ehr):
    status, config = smart.fetch_json(ehr.iss + "/.well-known/smart-configuration")
    assert status == 200 and config["code_challenge_methods_supported"] == ["S256"]
    status, body = smart.fetch_json(ehr.base + "/auth/token", form={"code": "nothing"})
    assert (status, body) == (400, {"error": "invalid_grant"})
    assert ehr.token_forms == [{"code": "nothing"}]
    with pytest.raises(smart.SmartError, match="not_json"):
        # The authorize endpoint answers a 302 with no body: not followed.
        smart.fetch_json(ehr.base + "/auth/authorize?" + urlencode({
            "state": "s", "redirect_uri": ehr.base + "/fhir/r4/.well-known/smart-configuration"}))
    assert ehr.paths.count("/fhir/r4/.well-known/smart-configuration") == 1


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://ehr.example.org/x", "/relative"])
def test_fetch_json_calls_only_http(url):
    with pytest.raises(smart.SmartError, match="bad_endpoint"):
        smart.fetch_json(url)


def test_fetch_json_gives_up_on_an_ehr_that_does_not_answer(monkeypatch):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # connections wait in the backlog, never answered
    monkeypatch.setattr(smart, "TIMEOUT_SECONDS", 0.2)
    try:
        with pytest.raises(smart.SmartError, match="timeout"):
            smart.fetch_json(f"http://127.0.0.1:{silent.getsockname()[1]}/fhir")
    finally:
        silent.close()


def test_fetch_json_on_a_closed_port_is_unreachable():
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    with pytest.raises(smart.SmartError, match="unreachable"):
        smart.fetch_json(f"http://127.0.0.1:{port}/fhir")


# ---- registration ------------------------------------------------------

def test_the_command_registers_a_smart_ehr_with_its_iss_and_client_id(
        tmp_path, keys, prescriber):  # noqa: F811
    UserFactory(username="root", is_staff=True, is_superuser=True)
    public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(keys[0].public_key()))
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [public]}))
    htc = prescriber.prescriber.htc.pk
    with pytest.raises(CommandError, match="client_id it issued"):
        call_command("register_cds_client", by="root", htc=htc, name="Epic", smart=True,
                     issuer="https://epic.example.org", jwks=str(path),
                     fhir_base_url="https://epic.example.org/fhir/r4")
    with pytest.raises(CommandError, match="absolute http"):
        call_command("register_cds_client", by="root", htc=htc, name="Epic", smart=True,
                     issuer="https://epic.example.org", jwks=str(path),
                     fhir_base_url="epic.example.org/fhir", client_id="abc")
    assert not CDSClient.objects.exists()
    call_command("register_cds_client", by="root", htc=htc, name="Epic", smart=True,
                 issuer="https://epic.example.org", jwks=str(path),
                 fhir_base_url="https://epic.example.org/fhir/r4/", client_id="abc")
    client = CDSClient.objects.get()
    assert (client.fhir_base_url, client.smart_client_id) == (
        "https://epic.example.org/fhir/r4", "abc")
    other = PrescriberFactory(user__username="elsewhere").htc.pk
    with pytest.raises(CommandError, match="already registered"):
        call_command("register_cds_client", by="root", htc=other, name="Epic 2", smart=True,
                     issuer="https://epic2.example.org", jwks=str(path),
                     fhir_base_url="https://epic.example.org/fhir/r4", client_id="def")
