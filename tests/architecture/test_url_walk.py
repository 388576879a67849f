"""Every URL of the project, walked as four people: anonymous, the other HTC's
prescriber, a clinical reviewer and the owning prescriber.

The URL patterns come from the resolver, so a new pattern that this table does
not classify fails test_every_url_pattern_is_classified: whoever adds a page
decides here who may see it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver

from authorizations.api.models import HTCAPIKey
from authorizations.appeals.services import appeal_file
from authorizations.models import (
    HTC,
    AuditEvent,
    Authorization,
    AuthorizationRequest,
    Determination,
    Document,
    FollowUp,
    Infusion,
    Letter,
)
from authorizations.requests.services import request_create, request_decide, request_save_draft
from authorizations.requests.wizard import STEPS
from authorizations.review.services import information_request
from authorizations.treatment.services import infusion_record
from tests.files import image_bytes
from tests.phi import PATIENT, phi_in

pytestmark = pytest.mark.django_db

STEP_NAMES = [name for name, _ in STEPS]
PNG = image_bytes("PNG")

# Outcomes. A number is a status code; the names are redirects to a place.
LOGIN = "login"              # 302 to /accounts/login/
ADMIN_LOGIN = "admin_login"  # 302 to /admin/login/?next=
TO_ADMIN = "to_admin"        # 302 to /admin/ (reviewers work there)
REDIRECT = "redirect"        # 302 to a page of this site
DENIED = 403
NOT_FOUND = 404
NOT_ALLOWED = 405
OK = 200
STEP = "step"                # 200, or 302 to the draft's next step for a step it skips
RESPOND_STEP = "respond_step"  # 200, or 302 to the response for a step not asked


@dataclass(frozen=True)
class Expect:
    """What each role gets. `obj` names the object whose id fills the URL's
    kwargs (see World.kwargs); `data` says whether a 200 shows patient data."""

    anonymous: object
    other: object
    reviewer: object
    owner: object
    obj: str = ""
    data: bool = False


def prescriber_page(owner=OK, obj="", reviewer=TO_ADMIN, data=True):
    return Expect(anonymous=LOGIN, other=NOT_FOUND if obj else OK, reviewer=reviewer,
                  owner=owner, obj=obj, data=data)


def public(anonymous=OK, signed_in=OK):
    return Expect(anonymous=anonymous, other=signed_in, reviewer=signed_in, owner=signed_in)


def account_page():
    return Expect(anonymous=LOGIN, other=OK, reviewer=OK, owner=OK)


def admin_page(reviewer, obj="", data=False, anonymous=ADMIN_LOGIN):
    # Prescribers are not staff: the admin sends them to its own login.
    return Expect(anonymous=anonymous, other=ADMIN_LOGIN, reviewer=reviewer, owner=ADMIN_LOGIN,
                  obj=obj, data=data)


def admin_model(app: str, model: str, *, obj: str, readable: bool, data: bool = False,
                extra: dict[str, Expect] | None = None) -> dict[str, Expect]:
    """The admin's URLs of one registered model. Reviewers read the review
    records and change nothing; every other model is closed to them."""
    read = OK if readable else DENIED
    base = f"admin/{app}/{model}/"
    return {
        f"admin:{app}_{model}_changelist": admin_page(read, data=data),
        f"admin:{app}_{model}_add": admin_page(DENIED),
        f"admin:{app}_{model}_history": admin_page(read, obj=obj),
        f"admin:{app}_{model}_delete": admin_page(DENIED, obj=obj),
        f"admin:{app}_{model}_change": admin_page(read, obj=obj, data=data),
        # The bare object URL redirects to its change page (checked there).
        f"{base}<path:object_id>/": admin_page(REDIRECT, obj=obj),
        **(extra or {}),
    }


EXPECTED: dict[str, Expect] = {
    # The prescriber's pages.
    "home": Expect(anonymous=LOGIN, other=REDIRECT, reviewer=REDIRECT, owner=REDIRECT),
    "dashboard": prescriber_page(),
    "request_new": prescriber_page(data=False),
    "request_detail": prescriber_page(obj="submitted"),
    "request_resume": prescriber_page(owner=REDIRECT, obj="draft"),
    "request_step": prescriber_page(owner=STEP, obj="draft"),  # walked for every step
    "request_export": prescriber_page(obj="submitted"),
    "request_discard": prescriber_page(obj="draft"),
    # Supporting documents: the page and removal are the prescriber's; a
    # download is the owning HTC's and the reviewers'.
    "request_documents": prescriber_page(obj="submitted"),
    "request_document": Expect(anonymous=LOGIN, other=NOT_FOUND, reviewer=OK, owner=OK,
                               obj="submitted", data=True),
    "request_document_remove": prescriber_page(obj="draft"),
    # The treatment after approval (the walk's approved request has its infusion).
    "authorization_cancel": prescriber_page(obj="submitted"),
    "infusion": prescriber_page(obj="submitted"),
    "follow_ups": prescriber_page(obj="submitted"),
    "follow_up": prescriber_page(obj="submitted"),
    # Operations metrics (aggregates only): reviewers and operations staff.
    "operations": Expect(anonymous=LOGIN, other=DENIED, reviewer=OK, owner=DENIED),
    "operations_csv": Expect(anonymous=LOGIN, other=DENIED, reviewer=OK, owner=DENIED),
    "operations_outcomes": Expect(anonymous=LOGIN, other=DENIED, reviewer=OK, owner=DENIED),
    # Answering a request for information: the prescriber's (a request not
    # waiting for information sends them back to its page).
    "request_respond": prescriber_page(owner=REDIRECT, obj="submitted"),
    # Changing answers in a response (a step's form with the answers).
    "request_respond_step": prescriber_page(owner=RESPOND_STEP, obj="information"),
    # Asked for after submission: the request's number only, no patient data.
    "request_expedite": prescriber_page(obj="pending", data=False),
    "request_peer_to_peer": prescriber_page(obj="pending", data=False),
    "request_information_letter": Expect(anonymous=LOGIN, other=NOT_FOUND, reviewer=OK,
                                         owner=OK, obj="information", data=True),
    # Appealing a denial: the prescriber's (a request that cannot be appealed
    # sends them back to its page).
    "request_appeal": prescriber_page(owner=REDIRECT, obj="submitted"),
    "session_keepalive": Expect(anonymous=LOGIN, other=NOT_ALLOWED, reviewer=NOT_ALLOWED,
                                owner=NOT_ALLOWED),
    # Letters: the owning HTC and the reviewers.
    "request_letter": Expect(anonymous=LOGIN, other=NOT_FOUND, reviewer=OK, owner=OK,
                             obj="submitted", data=True),
    # FHIR: the Questionnaire is public (no patient data); a request's Bundle has
    # the letters' readers; the upload is the prescriber's.
    "favicon": public(anonymous=REDIRECT, signed_in=REDIRECT),
    "fhir_questionnaire_search": public(),
    "fhir_questionnaire": public(),
    "request_fhir": Expect(anonymous=LOGIN, other=NOT_FOUND, reviewer=OK, owner=OK,
                           obj="submitted", data=True),
    "request_import": prescriber_page(data=False),
    # The API takes an HTC's token, never a session; its description is public.
    "api_request": Expect(anonymous=401, other=401, reviewer=401, owner=401, obj="submitted"),
    "api_request_fhir": Expect(anonymous=401, other=401, reviewer=401, owner=401,
                               obj="submitted"),
    "api_questionnaire_responses": Expect(anonymous=401, other=401, reviewer=401, owner=401),
    "api_schema": public(),
    # Django's account pages (no patient data on any of them).
    "login": public(),
    "logout": public(anonymous=NOT_ALLOWED, signed_in=NOT_ALLOWED),  # POST only
    "password_change": account_page(),
    "password_change_done": account_page(),
    "password_reset": public(),
    "password_reset_done": public(),
    "password_reset_confirm": public(),  # with a made-up token: "the link is invalid"
    "password_reset_complete": public(),
    # The admin site.
    "admin:index": admin_page(OK),
    "admin:login": Expect(anonymous=OK, other=OK, reviewer=TO_ADMIN, owner=OK),
    # POST only; those not signed in to the admin are sent to its front page.
    "admin:logout": Expect(anonymous=REDIRECT, other=REDIRECT, reviewer=NOT_ALLOWED,
                           owner=REDIRECT),
    "admin:password_change": admin_page(OK),
    "admin:password_change_done": admin_page(OK),
    "admin:autocomplete": admin_page(DENIED),  # needs a model and field the reviewer may use
    "admin:jsi18n": admin_page(OK),
    "admin:view_on_site": admin_page(NOT_FOUND, obj="view_on_site"),  # no public pages
    "admin:app_list": admin_page(OK, obj="app_label"),
    "admin/(?P<url>.*)$": admin_page(NOT_FOUND, obj="catch_all"),
    **admin_model("authorizations", "authorizationrequest", obj="submitted", readable=True,
                  data=True, extra={
                      # POST only; a GET is refused before anything is decided.
                      "admin:authorizations_authorizationrequest_decide":
                          admin_page(NOT_ALLOWED, obj="pending"),
                      "admin:authorizations_authorizationrequest_information":
                          admin_page(NOT_ALLOWED, obj="pending"),
                      "admin:authorizations_authorizationrequest_peer_to_peer":
                          admin_page(NOT_ALLOWED, obj="pending"),
                      "admin:authorizations_authorizationrequest_received_document":
                          admin_page(NOT_ALLOWED, obj="pending"),
                      "admin:authorizations_authorizationrequest_document":
                          admin_page(OK, obj="submitted", data=True),
                      # The treatment's forms on the request page: POST only.
                      "admin:authorizations_authorizationrequest_cancel":
                          admin_page(NOT_ALLOWED, obj="submitted"),
                      # The infusion's correction is a page of its own.
                      "admin:authorizations_authorizationrequest_correct":
                          admin_page(OK, obj="submitted"),
                      "admin:authorizations_authorizationrequest_waive":
                          admin_page(NOT_ALLOWED, obj="submitted")}),
    **admin_model("authorizations", "determination", obj="determination", readable=True),
    # The appeals queue; an appeal's decision page (GET: the appeal and the form).
    **admin_model("authorizations", "appeal", obj="appeal", readable=True, data=True, extra={
        "admin:authorizations_appeal_decide": admin_page(OK, obj="appeal", data=True)}),
    **admin_model("authorizations", "letter", obj="letter", readable=True, extra={
        "admin:authorizations_letter_pdf": admin_page(OK, obj="letter", data=True)}),
    **admin_model("authorizations", "authorization", obj="authorization", readable=True,
                  data=True),
    **admin_model("authorizations", "infusion", obj="infusion", readable=True),
    **admin_model("authorizations", "followup", obj="followup", readable=True),
    **admin_model("authorizations", "auditevent", obj="auditevent", readable=True),
    **admin_model("authorizations", "htc", obj="htc", readable=True),
    **admin_model("authorizations", "prescriberprofile", obj="prescriberprofile",
                  readable=False),
    **admin_model("authorizations", "reviewerprofile", obj="reviewerprofile", readable=False),
    # API tokens: superusers only.
    **admin_model("authorizations_api", "htcapikey", obj="htcapikey", readable=False),
    **admin_model("auth", "user", obj="user", readable=False, extra={
        "admin:auth_user_password_change": admin_page(DENIED, obj="user")}),
    **admin_model("auth", "group", obj="group", readable=False),
    **admin_model("axes", "accessattempt", obj="accessattempt", readable=False),
    **admin_model("axes", "accesslog", obj="accesslog", readable=False),
    **admin_model("axes", "accessfailurelog", obj="accessfailurelog", readable=False),
}


def url_patterns(patterns=None, prefix: str = "", namespace: str | None = None):
    """(key, route, pattern) of every URL pattern, included ones too. The key is
    the namespaced name, or the full route of an unnamed pattern."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from url_patterns(p.url_patterns, prefix + str(p.pattern), ns)
        else:
            assert isinstance(p, URLPattern)
            route = prefix + str(p.pattern)
            key = (f"{namespace}:{p.name}" if namespace else p.name) if p.name else route
            yield key, route, p


def test_every_url_pattern_is_classified():
    keys = [key for key, _, _ in url_patterns()]
    unknown = sorted(set(keys) - set(EXPECTED))
    assert not unknown, (
        f"URL pattern(s) {unknown} are not in tests/architecture/test_url_walk.py EXPECTED: say "
        "what anonymous users, the other HTC's prescriber, reviewers and the owner get there.")
    gone = sorted(set(EXPECTED) - set(keys))
    assert not gone, f"EXPECTED lists URL patterns that no longer exist: {gone}"
    assert len(keys) == len(set(keys)), "two URL patterns share a name"


# --------------------------------------------------------------------------
# The world the walk runs in.
# --------------------------------------------------------------------------

class World:
    def __init__(self, prescriber, other_prescriber, reviewer, submit):
        self.users = {"anonymous": None, "other": other_prescriber, "reviewer": reviewer,
                      "owner": prescriber}
        self.submitted = submit(prescriber, dict(PATIENT))
        self.pending = submit(prescriber, {**PATIENT, "member_id": "UHC-987654321-B",
                                           "hbsag": "positive"})
        self.information = submit(prescriber, {**PATIENT, "member_id": "UHC-987654321-C",
                                               "hbsag": "positive"})
        self.information_request = information_request(
            by=reviewer, req=self.information, criteria=[], document_kinds=["viral_tests"],
            message="The viral tests report.")
        self.denied = submit(prescriber, {**PATIENT, "member_id": "UHC-987654321-D",
                                          "hbsag": "positive"})
        request_decide(by=reviewer, req=self.denied, approve=False,
                       rationale="HBsAg positive.")
        self.appeal = appeal_file(by=prescriber, req=self.denied,
                                  statement="The repeat test is negative.",
                                  expedited=False, representative=True)
        self.draft = request_create(by=prescriber, htc=prescriber.prescriber.htc)
        request_save_draft(by=prescriber, req=self.draft,
                           answers=dict(PATIENT), step="attestations")
        infusion_record(by=prescriber, auth=self.submitted.authorization, data={
            "infused_on": self.submitted.authorization.start_date, "lots": ["L1"],
            "weight_kg": 72, "dose_gc_per_kg": 2 * 10**13, "site_name": "Site",
            "site_npi": "", "baseline_treated_bleeds": 0, "full_dose": True})
        determination = Determination.objects.filter(request=self.submitted).first()
        # A document of each request, for the documents' URLs.
        self.documents = {obj: Document.objects.create(
            request=req, kind="other", file_name="labs.png", content_type="image/png",
            size=len(PNG), sha256="0" * 64, content=PNG, uploaded_by=prescriber).pk
                          for obj, req in (("submitted", self.submitted), ("pending", self.pending),
                                           ("draft", self.draft))}
        self.objects = {
            "submitted": self.submitted.pk,
            "pending": self.pending.pk,
            "information": self.information.pk,
            "draft": self.draft.pk,
            "determination": determination.pk,
            "appeal": self.appeal.pk,
            "letter": Letter.objects.get(determination=determination).pk,
            "authorization": Authorization.objects.get(request=self.submitted).pk,
            "infusion": Infusion.objects.get(authorization__request=self.submitted).pk,
            "followup": FollowUp.objects.filter(authorization__request=self.submitted).first().pk,
            "auditevent": AuditEvent.objects.filter(object_id=str(self.submitted.pk)).first().pk,
            "htc": HTC.objects.first().pk,
            "prescriberprofile": prescriber.prescriber.pk,
            "reviewerprofile": reviewer.reviewer.pk,
            "user": prescriber.pk,
            "group": Group.objects.get(name="Reviewers").pk,
            "htcapikey": HTCAPIKey.objects.create_key(htc=prescriber.prescriber.htc,
                                                      name="walk")[0].pk,
        }
        # One record of each of django-axes' models (reviewers must not read them).
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            self.objects[model._meta.model_name] = model.objects.create(
                username="someone", ip_address="192.0.2.1", user_agent="test",
                **({"failures_since_start": 1} if model is AccessAttempt else {})).pk

    def kwargs(self, pattern: URLPattern, obj: str, route: str,
               step: str = "patient") -> dict[str, object]:
        names = set(pattern.pattern.converters) | set(pattern.pattern.regex.groupindex)
        values: dict[str, object] = {}
        for name in names:
            if obj == "view_on_site" and name == "object_id":
                values[name] = self.submitted.pk
            elif name in ("pk", "object_id", "id"):
                values[name] = self.objects[obj]
            elif name == "step":
                values[name] = step
            elif name == "ir_id":
                values[name] = self.information_request.pk
            elif name == "doc_id":
                values[name] = self.documents[obj]
            elif name == "content_type_id":
                values[name] = ContentType.objects.get_for_model(AuthorizationRequest).pk
            elif name == "app_label":
                values[name] = "authorizations"
            elif name == "url":
                values[name] = "no-such-page/"
            elif name == "uidb64":
                values[name] = "MQ"
            elif name == "token":
                values[name] = "made-up-token"
            elif name == "number":
                values[name] = AuthorizationRequest.objects.get(pk=self.objects[obj]).number
            elif name == "n":
                values[name] = 1  # the first follow-up
            elif name == "resource_id":
                values[name] = "hemgenix-2026D0120K"
            else:
                pytest.fail(f"{route}: no value for the URL parameter {name!r}; add one to "
                            "World.kwargs")
        return values

    def url(self, key: str, route: str, pattern: URLPattern, obj: str,
            step: str = "patient") -> str:
        kwargs = self.kwargs(pattern, obj, route, step)
        regex = pattern.pattern.regex.pattern
        if hasattr(pattern.pattern, "_route"):
            path = route
            for name, value in kwargs.items():
                path = path.replace(f"<int:{name}>", str(value)).replace(
                    f"<path:{name}>", str(value)).replace(f"<str:{name}>", str(value)).replace(
                    f"<{name}>", str(value))
        else:
            # A regex pattern (admin's app list and catch-all): put the values in
            # its named groups.
            path = route.replace(regex, "")
            tail = {"app_label": "{app_label}/", "url": "{url}"}
            path += "".join(tail[name].format(**kwargs) for name in kwargs)
        assert "<" not in path and "(" not in path, f"{key}: could not fill {route}"
        return "/" + path


@pytest.fixture
def world(prescriber, other_prescriber, reviewer, submit, quick_letters):
    return World(prescriber, other_prescriber, reviewer, submit)


def login_as(client, world, role):
    user = world.users[role]
    if user is not None:
        user.refresh_from_db()
        client.force_login(user)
    return client


def problem(response, expected, *, url: str, role: str, data: bool) -> str | None:
    """What is wrong with the response, or None."""
    where = f"{role} GET {url}"
    status = response.status_code
    location = response.get("Location", "")
    wanted = {
        LOGIN: status == 302 and location.startswith("/accounts/login/"),
        ADMIN_LOGIN: status == 302 and location.startswith("/admin/login/?next="),
        TO_ADMIN: status == 302 and location == "/admin/",
        REDIRECT: status == 302 and location.startswith("/"),
        STEP: status == 200 or (status == 302 and "/edit/" in location),
        RESPOND_STEP: status == 200 or (status == 302 and location.endswith("/respond/")),
    }.get(expected, status == expected)
    if not wanted:
        return f"{where}: expected {expected}, got {status} {location}".strip()
    if role in ("anonymous", "other") or status != 200 or not data:
        # Nobody gets patient data where the table says there is none.
        body = b"" if response.streaming else response.content
        found = phi_in(body.decode(errors="replace"))
        if found:
            return f"{where} ({status}) shows patient data: {found}"
    return None


def walk(client, world, role):
    """GET every URL as `role`; (url, response) of each."""
    login_as(client, world, role)
    seen, problems = [], []
    for key, route, pattern in url_patterns():
        expect = EXPECTED.get(key)
        assert expect is not None, f"{route} ({key}) is not classified: see EXPECTED"
        objs = [expect.obj] if expect.obj else [""]
        if role in ("anonymous", "other") and expect.obj in ("submitted", "draft"):
            # Strangers try every request, whatever its state.
            objs = ["submitted", "draft", "pending"]
        steps = STEP_NAMES if "step" in pattern.pattern.converters else ["patient"]
        for obj, step in [(o, s) for o in objs for s in steps]:
            url = world.url(key, route, pattern, obj, step)
            response = client.get(url)
            found = problem(response, getattr(expect, role), url=url, role=role,
                            data=expect.data)
            if found:
                problems.append(f"{key}: {found}")
            seen.append((key, url, response))
    assert not problems, "\n".join(problems)
    return seen


def test_anonymous_gets_only_login_pages(client, world):
    for key, url, response in walk(client, world, "anonymous"):
        if response.status_code == 200:
            assert EXPECTED[key].anonymous == OK and not EXPECTED[key].data, url


def test_the_other_htcs_prescriber_never_sees_the_owners_requests(client, world):
    before = AuthorizationRequest.objects.get(pk=world.draft.pk).answers
    walk(client, world, "other")
    # Nor changes or discards them (POSTs included).
    for url in (f"/requests/{world.draft.pk}/discard/",
                f"/requests/{world.draft.pk}/edit/patient/",
                f"/requests/{world.submitted.pk}/edit/review/"):
        assert client.post(url, {f"request_{world.draft.pk}-current_step": "patient",
                                 "patient-member_id": "X"}).status_code == 404, url
    assert AuthorizationRequest.objects.get(pk=world.draft.pk).answers == before
    dashboard = client.get("/requests/").content.decode()
    assert world.submitted.number not in dashboard and world.draft.number not in dashboard


def test_reviewer_reads_the_review_records_in_the_admin_only(client, world):
    responses = {key: response for key, _, response in walk(client, world, "reviewer")}
    page = responses["admin:authorizations_authorizationrequest_change"].content.decode()
    assert world.submitted.number in page and "Thistlewood" in page
    assert responses["request_letter"]["Content-Type"] == "application/pdf"
    assert responses["admin:authorizations_letter_pdf"]["Content-Type"] == "application/pdf"


def test_owning_prescriber_gets_every_page_of_their_requests(client, world):
    seen = walk(client, world, "owner")
    responses = {key: response for key, _, response in seen}
    steps = {url.rsplit("/", 2)[-2]: r.status_code for key, url, r in seen
             if key == "request_step"}
    # Every step of the draft opens, but the bleeding history its answers do not ask.
    assert steps == {name: 302 if name == "bleeding" else 200 for name in STEP_NAMES}
    assert world.submitted.number in responses["dashboard"].content.decode()
    assert world.draft.number in responses["dashboard"].content.decode()
    assert "Thistlewood" in responses["request_detail"].content.decode()
    assert responses["request_export"].json()["answers"]["member_id"] == PATIENT["member_id"]
    assert responses["request_letter"]["Content-Type"] == "application/pdf"
    # The resume link lands on a step of the draft.
    resumed = client.get(responses["request_resume"]["Location"])
    assert resumed.status_code == 200 and world.draft.number in resumed.content.decode()
