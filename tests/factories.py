"""Factories, built through the services, and a complete case that meets every
criterion."""


import factory
from django.conf import settings
from django.contrib.auth.models import Group, User

from authorizations.accounts.directory import htc_save, prescriber_profile_save
from authorizations.accounts.services import user_create_reviewer, user_save
from authorizations.api import services as api_services
from authorizations.documents.services import document_add
from authorizations.models import HTC, AuthorizationRequest, PrescriberProfile
from authorizations.requests.services import (
    SubmitResult,
    request_create,
    request_save_draft,
    request_submit,
)
from authorizations.review.desk_services import exception_ask, exception_sign
from tests.cases import approvable_case
from tests.files import pdf_bytes, upload


# The cases live in tests/cases.py (no Django), re-exported here for the app tests.
class ThroughServices:
    """factory_boy creates through the services, as the application does
    (tests/architecture/test_write_rule.py holds the application to that)."""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return cls.service(model_class(*args, **kwargs))


class HTCFactory(ThroughServices, factory.django.DjangoModelFactory):
    class Meta:
        model = HTC

    name = factory.Sequence(lambda n: f"Test Hemophilia Treatment Center {n}")
    city = "Springfield"
    state = "IL"
    federally_designated = True
    # The service's zone, so the tests' typed times read the same on both
    # sides; tests/core/test_zones.py sets centers in other zones.
    time_zone = factory.LazyFunction(lambda: settings.TIME_ZONE)

    @staticmethod
    def service(htc):
        return htc_save(htc, by=None)


PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Prescriber{n}")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, password, **kwargs):
        user = model_class(*args, **kwargs)
        user.set_password(password)
        return user_save(user, by=None)


class PrescriberFactory(ThroughServices, factory.django.DjangoModelFactory):
    class Meta:
        model = PrescriberProfile

    user = factory.SubFactory(UserFactory)
    htc = factory.SubFactory(HTCFactory)
    bleeding_disorder_specialist = True
    credentials = "MD"

    @staticmethod
    def service(profile):
        return prescriber_profile_save(profile, by=None)


def login(client, user):
    """Sign `user` in on the test client (django-axes wants a request for
    client.login, so force_login)."""
    client.force_login(user)
    return client


def sign_in(client, username, password=PASSWORD):
    """Sign in through the sign-in page, as a user does (axes counts it)."""
    return client.post("/accounts/login/", {"username": username, "password": password})


def make_reviewer(username="reviewer", credentials="MD, Hematology") -> User:
    return user_create_reviewer(by=None, username=username, password=PASSWORD,
                                first_name="Rita", last_name="Reviewer",
                                credentials=credentials)


def draft_request(user, answers=None, *, expedited=False, expedited_reason="",
                  step="review") -> AuthorizationRequest:
    """A draft holding `answers` (default: approvable_case()), made through the
    services as the wizard makes it."""
    req = request_create(by=user, htc=user.prescriber.htc)
    return request_save_draft(
        by=user, req=req, answers=approvable_case() if answers is None else answers,
        step=step, expedited=expedited,
        expedited_reason=expedited_reason or ("Surgery scheduled" if expedited else ""))


# The documents the policy asks for (policy.REQUIRED_DOCUMENTS): without
# them a submission is flagged documentation_missing and never approved at once.
REPORT_KINDS = ("factor_ix_lab", "aav5_antibody")


def attach_reports(user, req, kinds=REPORT_KINDS) -> None:
    """Attach a (blank) PDF report of each kind to `req`, through the service."""
    for kind in kinds:
        document_add(by=user, req=req, upload=upload(f"{kind}.pdf", pdf_bytes()), kind=kind)


def submitted_request(user, answers=None, *, expedited=False, as_of=None, reports=True
                      ) -> SubmitResult:
    """A request made and submitted through the services, with the two reports
    the policy asks for attached first (`reports=False`: without them)."""
    req = draft_request(user, answers, expedited=expedited)
    if reports:
        attach_reports(user, req)
    return request_submit(by=user, req=req, as_of=as_of)


__all__ = ["PASSWORD", "sign_in", "Group", "approvable_case", "HTCFactory", "UserFactory",
           "PrescriberFactory", "login", "make_reviewer", "draft_request",
           "submitted_request", "attach_reports", "REPORT_KINDS"]


# The reviewer's desk: an approval past unmet criteria takes two keys.
def approve_under_two_keys(req, *, first, rationale, second=None,
                           reason="records_show_met"):
    """Approve `req` past its unmet criteria as the desk does: `first` asks
    for an exception, `second` (a reviewer who took no part) signs it."""
    second = second or make_reviewer(username="second-key", credentials="MD, Hematology")
    exc = exception_ask(by=first, req=req, reason=reason, rationale=rationale)
    return exception_sign(by=second, exception=exc)


def overturn_under_two_keys(appeal, *, first, rationale, second=None,
                            reason="records_show_met"):
    """Overturn `appeal`'s denial past its unmet criteria as the desk does:
    `first` (who may decide the appeal) asks for the exception, `second` (who
    took no part, nor denied) signs it, and the appeal is decided."""
    second = second or make_reviewer(username="second-key", credentials="MD, Hematology")
    exc = exception_ask(by=first, req=appeal.request, appeal=appeal, reason=reason,
                        rationale=rationale)
    return exception_sign(by=second, exception=exc)


# The EHR's side of the API and of FHIR PAS.
def api_token(prescriber: User, *, npi: str = "") -> str:
    """The raw API token of `prescriber`'s HTC, made by an administrator as the
    admin makes it; `npi`: the prescriber's NPI, set first, by which the EHR's
    resources name them."""
    if npi:
        prescriber.prescriber.npi = npi
        prescriber_profile_save(prescriber.prescriber, by=None)
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    _, raw = api_services.api_key_create(by=admin, htc=prescriber.prescriber.htc, name="EHR")
    return raw
