"""What a letter says that depends on the member: the mailing address, the
plan type's rights (from the payer's roster, the one source of both), the
voice of each copy, and how the appeal deadline is counted.

A request whose member is not on the roster (or no roster loaded) has no
known plan type: its letter states each plan type's rights conditionally,
as letters did before the roster.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from authorizations.core import deadlines
from authorizations.letters import plain
from authorizations.members.selectors import matching_member
from authorizations.models import AuthorizationRequest, PlanType

# Translated where plan_rights uses them, in the letter's language (letters/language.py).
EBSA = gettext_noop("the Employee Benefits Security Administration (EBSA) of the U.S. "
                    "Department of Labor at 1-866-444-EBSA (3272)")
MARKETPLACE = gettext_noop("the Health Insurance Marketplace at HealthCare.gov or "
                           "1-800-318-2596 (TTY 1-855-889-4325)")
STATE_HELP = gettext_noop("{your} state's department of insurance or its consumer "
                          "assistance program")
ERISA_HELP = gettext_noop("for a plan governed by ERISA, {ebsa}")


def roster_member(req: AuthorizationRequest) -> dict[str, Any] | None:
    """The roster's record of the request's member, as the letters print it."""
    member = matching_member(req.answers)
    if member is None:
        return None
    return {"address_lines": member.address_lines, "plan_type": member.plan_type,
            "plan_label": PlanType(member.plan_type).label, "language": member.language,
            "state": member.state}


def preferred_language(req: AuthorizationRequest) -> str | None:
    """The roster's preferred language of the request's member (None: not on
    the roster); letters/language.py decides whether a letter can be in it."""
    member = matching_member(req.answers)
    return member.language if member is not None else None


def plan_rights(plan_type: str | None, *, copy_is_member: bool = True) -> dict[str, Any]:
    """The rights text's choices for a plan type: whether ERISA's civil action
    applies (None: not known), the external review, and who can help (in the
    copy's voice)."""
    erisa = {PlanType.EMPLOYER_ERISA: True, PlanType.EMPLOYER_NON_ERISA: False,
             PlanType.INDIVIDUAL_EXCHANGE: False}.get(plan_type) if plan_type else None
    ebsa = _(EBSA)
    if plan_type == PlanType.EMPLOYER_ERISA:
        helpers = [ebsa]
    elif plan_type == PlanType.INDIVIDUAL_EXCHANGE:
        helpers = [_(STATE_HELP), _(MARKETPLACE)]
    elif plan_type == PlanType.EMPLOYER_NON_ERISA:
        helpers = [_(STATE_HELP)]
    else:
        helpers = [_(STATE_HELP), _(ERISA_HELP).replace("{ebsa}", ebsa)]
    state = pgettext("whose state, in the member's copy", "your") if copy_is_member \
        else "the member's"
    helpers = [helper.replace("{your}", state) for helper in helpers]
    return {"plan_type": plan_type or "", "erisa": erisa, "helpers": helpers,
            "state_external_review": erisa is False}


def voice(copy_is_member: bool) -> dict[str, str]:
    # Read now, in the letter's language (MEMBER_VOICE's words are lazy).
    chosen = plain.MEMBER_VOICE if copy_is_member else plain.PRESCRIBER_VOICE
    return {key: str(word) for key, word in chosen.items()}


def appeal_window() -> dict[str, Any]:
    """How the letters word the time to appeal: 180 days from receipt, the
    receipt counted as the mailing date plus the allowance (the same
    arithmetic as deadlines.appeal_deadline)."""
    return {"days": deadlines.APPEAL_FILING_WORDS,
            "allowance": settings.NOTICE_MAILING_ALLOWANCE_DAYS}


def member_context(req: AuthorizationRequest, copy_is_member: bool) -> dict[str, Any]:
    roster = roster_member(req)
    return {"roster": roster,
            "rights": plan_rights(roster["plan_type"] if roster else None,
                                  copy_is_member=copy_is_member),
            "voice": voice(copy_is_member),
            "appeal_window": appeal_window()}
