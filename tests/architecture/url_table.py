"""Who may see each URL of the project: the table tests/architecture/test_url_walk.py
walks. A new URL pattern must be classified here (test_every_url_pattern_is_classified)."""

from __future__ import annotations

from dataclasses import dataclass

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
    # The CRD card's link (issue 22): a made-up token opens nothing, for anyone.
    "request_from_ehr": Expect(anonymous=LOGIN, other=NOT_FOUND, reviewer=TO_ADMIN,
                               owner=NOT_FOUND),
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
    # The patient banner (issue 19) shows who the patient is on every page of a request.
    "request_expedite": prescriber_page(obj="pending"),
    "request_peer_to_peer": prescriber_page(obj="pending"),
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
    # Da Vinci PAS, CRD and DTR (issue 22).
    "pas_submit": Expect(anonymous=401, other=401, reviewer=401, owner=401),
    "pas_inquire": Expect(anonymous=401, other=401, reviewer=401, owner=401),
    "api_index": public(),
    "cds_discovery": public(),
    "fhir_library": public(),
    "cds_service": Expect(anonymous=401, other=401, reviewer=401, owner=401, ),
    # SMART App Launch from the card (issue 22): a prescriber's; without the
    # EHR's parameters (iss and launch; code and state) a page saying so.
    "smart_launch": Expect(anonymous=LOGIN, other=400, reviewer=TO_ADMIN, owner=400),
    "smart_callback": Expect(anonymous=LOGIN, other=400, reviewer=TO_ADMIN, owner=400),
    "api_docs": public(),
    "api_docs_swagger": public(),
    # Load balancers' health check: no login, no patient data.
    "healthz": public(),
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
                          admin_page(NOT_ALLOWED, obj="submitted"),
                      # The reviewer's desk: owners and the exception's two keys
                      # (POST only); a document's pages read inside the page.
                      "admin:authorizations_authorizationrequest_claim":
                          admin_page(NOT_ALLOWED, obj="pending"),
                      "admin:authorizations_authorizationrequest_take_over":
                          admin_page(NOT_ALLOWED, obj="pending"),
                      "admin:authorizations_authorizationrequest_reassign":
                          admin_page(NOT_ALLOWED, obj="pending"),
                      "admin:authorizations_authorizationrequest_exception":
                          admin_page(NOT_ALLOWED, obj="pending"),
                      "admin:authorizations_authorizationrequest_exception_sign":
                          admin_page(NOT_ALLOWED, obj="pending"),
                      "admin:authorizations_authorizationrequest_page":
                          admin_page(OK, obj="submitted", data=True),
                      "admin:authorizations_authorizationrequest_viewer":
                          admin_page(OK, obj="submitted", data=True)}),
    **admin_model("authorizations", "determination", obj="determination", readable=True),
    # The appeals queue; an appeal's decision page (GET: the appeal and the form).
    **admin_model("authorizations", "appeal", obj="appeal", readable=True, data=True, extra={
        "admin:authorizations_appeal_decide": admin_page(OK, obj="appeal", data=True),
        # The two keys of an overturn past unmet criteria (POST only).
        "admin:authorizations_appeal_exception": admin_page(NOT_ALLOWED, obj="appeal"),
        "admin:authorizations_appeal_exception_sign": admin_page(NOT_ALLOWED, obj="appeal"),
        # Issue 21: recording an appeal the member sent by mail, fax or phone (a form).
        "admin:authorizations_appeal_record": admin_page(OK)}),
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
    # API tokens: superusers only; the list and the add page only, since a
    # token's primary key is its stored hash (issue 23 N13).
    "admin:authorizations_api_htcapikey_changelist": admin_page(DENIED),
    "admin:authorizations_api_htcapikey_add": admin_page(DENIED),
    **admin_model("auth", "user", obj="user", readable=False, extra={
        "admin:auth_user_password_change": admin_page(DENIED, obj="user")}),
    **admin_model("auth", "group", obj="group", readable=False),
    **admin_model("axes", "accessattempt", obj="accessattempt", readable=False),
    **admin_model("axes", "accesslog", obj="accesslog", readable=False),
    **admin_model("axes", "accessfailurelog", obj="accessfailurelog", readable=False),
}
