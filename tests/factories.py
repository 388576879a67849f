"""Factories, built through the services, and a complete case that meets every
criterion."""

from datetime import date

import factory
from django.contrib.auth.models import Group, User

from authorizations import services
from authorizations.models import HTC, AuthorizationRequest, PrescriberProfile

AS_OF = date(2026, 11, 27)


def approvable_case(**changes):
    """A case that meets every criterion of 2026D0120K on AS_OF (JSON values)."""
    case = {
        "patient_first_name": "Ada",
        "patient_last_name": "Quinlan",
        "member_id": "UHC-100200300",
        "date_of_birth": "1985-04-12",
        "weight_kg": 72,
        "diagnosis": "hemophilia_b",
        "severity": "severe",
        "fix_activity_percent": 0.5,
        "life_threatening_hemorrhage": None,
        "repeated_serious_spontaneous_bleeding": None,
        "current_prophylaxis": "factor_ix",
        "non_factor_agent": None,
        "fix_exposure_days": 150,
        "htc_candidate_determination": True,
        "continue_prophylaxis_after_treatment": False,
        "inhibitor_history": False,
        "inhibitor_screen_bu": 0.0,
        "immune_tolerance_induction": False,
        "liver_enzymes_tested": True,
        "liver_imaging": "both",
        "liver_abnormality_found": False,
        "aav5_nab_evaluated": True,
        "aav5_nab_csl_test": True,
        "aav5_nab_titer": 57,
        "aav5_nab_high_titer": False,
        "hiv_status": "negative",
        "hiv_on_antiretroviral_therapy": None,
        "hiv_viral_load_copies_ml": None,
        "hbsag": "negative",
        "hcv_antibody": "negative",
        "hcv_rna": None,
        "hepatitis_antiviral_therapy": False,
        "prior_gene_therapy": False,
        "prescriber_bleeding_disorder_specialist": True,
        "htc_federally_designated": True,
        "dose_gc_per_kg": 2e13,
        "attest_monitoring": True,
        "attest_alcohol_counseling": True,
        "planned_inpatient_admission": False,
        "attest_efficacy_assessment": True,
        "acknowledge_documentation_requests": True,
    }
    case.update(changes)
    return case


class ThroughServices:
    """factory_boy creates through the services, as the application does
    (tests/security/test_write_rule.py holds the application to that)."""

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

    @staticmethod
    def service(htc):
        return services.htc_save(htc, by=None)


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
        return services.user_save(user, by=None)


class PrescriberFactory(ThroughServices, factory.django.DjangoModelFactory):
    class Meta:
        model = PrescriberProfile

    user = factory.SubFactory(UserFactory)
    htc = factory.SubFactory(HTCFactory)
    bleeding_disorder_specialist = True
    credentials = "MD"

    @staticmethod
    def service(profile):
        return services.prescriber_profile_save(profile, by=None)


def login(client, user):
    """Sign `user` in on the test client (django-axes wants a request for
    client.login, so force_login)."""
    client.force_login(user)
    return client


def make_reviewer(username="reviewer", credentials="MD, Hematology") -> User:
    return services.user_create_reviewer(by=None, username=username, password=PASSWORD,
                                         first_name="Rita", last_name="Reviewer",
                                         credentials=credentials)


def draft_request(user, answers=None, *, expedited=False, expedited_reason="",
                  step="review") -> AuthorizationRequest:
    """A draft holding `answers` (default: approvable_case()), made through the
    services as the wizard makes it."""
    req = services.request_create(by=user, htc=user.prescriber.htc)
    return services.request_save_draft(
        by=user, req=req, answers=approvable_case() if answers is None else answers,
        step=step, expedited=expedited,
        expedited_reason=expedited_reason or ("Surgery scheduled" if expedited else ""))


def submitted_request(user, answers=None, *, expedited=False, as_of=None
                      ) -> services.SubmitResult:
    """A request made and submitted through the services."""
    req = draft_request(user, answers, expedited=expedited)
    return services.request_submit(by=user, req=req, as_of=as_of)


__all__ = ["AS_OF", "PASSWORD", "Group", "approvable_case", "HTCFactory", "UserFactory",
           "PrescriberFactory", "login", "make_reviewer", "draft_request",
           "submitted_request"]
