"""Running the engine in the policy tests: one case, one evaluation."""

from authorizations import policy
from tests.cases import AS_OF, approvable_case


def run(case=None, *, prior=False, as_of=AS_OF, **changes):
    return policy.evaluate(case or approvable_case(**changes), as_of=as_of,
                           lifetime_used=prior, review_flags=[])


def status_of(evaluation, criterion_id):
    return next(r for r in evaluation.results if r.id == criterion_id).status


def reason_of(evaluation, criterion_id):
    return next(r for r in evaluation.results if r.id == criterion_id).reason


def moderately_severe(fix, bleeding=True):
    return dict(severity="moderately_severe", fix_activity_percent=fix,
                life_threatening_hemorrhage=bleeding, repeated_serious_spontaneous_bleeding=False)
