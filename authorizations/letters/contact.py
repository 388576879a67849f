"""The payer's contact details as the letters print them: what the deployment
configured (settings.PAYER_*), and nothing made up. Read while a letter
renders, so the words for a missing number are in the letter's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

ID_CARD = gettext_noop("the number on the member's ID card")


def _lines(address: str) -> list[str]:
    return [line.strip() for line in address.split(",") if line.strip()]


def payer_contact() -> dict[str, Any]:
    """What the deployment configured, and nothing made up: where a number or
    an address is missing, the letters name the ID card's number instead."""
    missing = [what for what, value in (("mailing address", settings.PAYER_ADDRESS),
                                        ("fax number", settings.PAYER_FAX)) if not value]
    appeals_address = settings.PAYER_APPEALS_ADDRESS or settings.PAYER_ADDRESS
    appeals_fax = settings.PAYER_APPEALS_FAX or settings.PAYER_FAX
    appeals_missing = [what for what, value in (("appeals mailing address", appeals_address),
                                                ("appeals fax number", appeals_fax))
                       if not value]
    return {
        "not_configured": " and ".join(missing),
        "name": settings.PAYER_NAME,
        "department": settings.PAYER_UM_DEPARTMENT,
        "address_lines": _lines(settings.PAYER_ADDRESS),
        "phone": settings.PAYER_PHONE,
        "fax": settings.PAYER_FAX,
        "call": settings.PAYER_PHONE or _(ID_CARD),
        "appeals_address": ", ".join(_lines(appeals_address)),
        "appeals_fax": appeals_fax,
        "appeals_not_configured": " and ".join(appeals_missing),
        "plan_provision": settings.PAYER_PLAN_PROVISION,
        "external_review": settings.PAYER_EXTERNAL_REVIEW,
        "consumer_assistance": settings.PAYER_CONSUMER_ASSISTANCE,
        "peer_to_peer_phone": settings.PAYER_PEER_TO_PEER_PHONE or settings.PAYER_PHONE
        or _(ID_CARD),
        "peer_to_peer_hours": settings.PAYER_PEER_TO_PEER_HOURS,
    }
