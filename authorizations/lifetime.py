"""The lifetime fact, read from the database: one Hemgenix treatment per
member, ever. Reads only; the services and the selectors both use it."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from . import policy
from .models import Authorization, AuthorizationRequest


def has_prior_authorization(member_id: str, *, excluding: AuthorizationRequest | None = None
                            ) -> bool:
    """The lifetime_limit fact: an approved authorization for this member exists."""
    qs = Authorization.objects.filter(member_id=member_id)
    if excluding is not None:
        qs = qs.exclude(request=excluding)
    return qs.exists()


def evaluate_request(req: AuthorizationRequest, *, as_of: date | None = None
                     ) -> policy.Evaluation:
    """Evaluate a request's stored answers, looking up the lifetime fact."""
    as_of = as_of or timezone.localdate()
    answers = policy.validate(req.answers, as_of=as_of)
    return policy.evaluate_answers(
        answers, as_of=as_of,
        has_prior_authorization=has_prior_authorization(answers["member_id"], excluding=req),
    )
