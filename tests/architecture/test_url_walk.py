"""Every URL of the project, walked as four people: anonymous, the other HTC's
prescriber, a clinical reviewer and the owning prescriber.

The URL patterns come from the resolver, so a new pattern that this table does
not classify fails test_every_url_pattern_is_classified: whoever adds a page
decides here who may see it.
"""

from __future__ import annotations

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
from tests.architecture.url_table import (
    ADMIN_LOGIN,
    EXPECTED,
    LOGIN,
    OK,
    REDIRECT,
    RESPOND_STEP,
    STEP,
    TO_ADMIN,
)
from tests.files import image_bytes
from tests.phi import PATIENT, phi_in

pytestmark = pytest.mark.django_db

STEP_NAMES = [name for name, _ in STEPS]
PNG = image_bytes("PNG")


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
        f"URL pattern(s) {unknown} are not in tests/architecture/url_table.py EXPECTED: say "
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
            elif name == "resource_id" and "Library" in route:
                values[name] = "hemgenix-prepopulation"  # the DTR CQL (issue 22)
            elif name == "resource_id":
                values[name] = "hemgenix-2026D0120K"
            elif name == "service_id":
                values[name] = "hemgenix-crd"  # the CDS Hooks service (issue 22)
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
