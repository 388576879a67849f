"""What the treatment pages print: the authorization's state, the infusion
with its dose arithmetic, the follow-up schedule with each state on a day,
and the dashboard's "Follow-up due" list. Reads only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from authorizations import policy
from authorizations.core import zones
from authorizations.models import (
    HTC,
    Authorization,
    AuthorizationRequest,
    AuthorizationStatus,
    FollowUp,
    Infusion,
)
from authorizations.policy.values import plain, scientific
from authorizations.treatment import schedule


def today() -> date:
    return zones.today()


def current_infusion(auth: Authorization | None) -> Infusion | None:
    if auth is None:
        return None
    return (Infusion.objects.filter(authorization=auth, superseded_by__isnull=True)
            .order_by("-version").first())


def infusion_versions(auth: Authorization) -> list[Infusion]:
    return list(Infusion.objects.filter(authorization=auth).order_by("-version"))


@dataclass(frozen=True)
class DoseShown:
    dose: str
    total_gc: str
    volume_ml: str
    vials: int


def dose_shown(weight_kg: Decimal, dose_gc_per_kg: Decimal) -> DoseShown:
    plan = policy.dose_plan(Decimal(weight_kg), Decimal(dose_gc_per_kg))
    return DoseShown(dose=f"{scientific(Decimal(dose_gc_per_kg))} genome copies per kg",
                     total_gc=scientific(plan.total_gc), volume_ml=plain(plan.volume_ml),
                     vials=plan.vials)


def infusion_summary(infusion: Infusion) -> dict[str, Any]:
    return {
        "obj": infusion,
        "dose": dose_shown(infusion.weight_kg, infusion.dose_gc_per_kg),
        "lots": ", ".join(infusion.lots),
        "weight": plain(infusion.weight_kg),
        "percent_given": plain(infusion.fraction_given * 100) if infusion.fraction_given
        is not None else None,
    }


def authorization_state(auth: Authorization | None, day: date | None = None) -> str | None:
    if auth is None:
        return None
    return AuthorizationStatus(auth.status_on(day or today())).label


@dataclass(frozen=True)
class FollowUpRow:
    obj: FollowUp
    number: int
    due_on: date
    state: str
    state_label: str


def follow_up_rows(auth: Authorization | None, day: date | None = None) -> list[FollowUpRow]:
    if auth is None:
        return []
    day = day or today()
    rows = []
    for fu in FollowUp.objects.filter(authorization=auth).order_by("number"):
        state = fu.state_on(day)
        rows.append(FollowUpRow(fu, fu.number, fu.due_on, state, schedule.STATE_LABELS[state]))
    return rows


@dataclass(frozen=True)
class DueRow:
    req: AuthorizationRequest
    number: int
    due_on: date
    state: str
    state_label: str


def follow_ups_due(htc: HTC, day: date | None = None) -> list[DueRow]:
    """The HTC's open follow-ups that are due or overdue, overdue first."""
    day = day or today()
    open_ = (FollowUp.objects.due_or_overdue(day).filter(authorization__request__htc=htc)
             .select_related("authorization__request").order_by("due_on", "pk"))
    rows = []
    for fu in open_:
        state = fu.state_on(day)
        rows.append(DueRow(fu.authorization.request, fu.number, fu.due_on, state,
                           schedule.STATE_LABELS[state]))
    return rows


def export_treatment(auth: Authorization | None) -> dict[str, Any]:
    """The export's infusion and follow-ups (selectors.export_payload)."""
    infusion = current_infusion(auth)
    return {
        "infusion": {"date": infusion.infused_on.isoformat(),
                     "dose_gc_per_kg": infusion.dose_gc_per_kg.normalize(),
                     "weight_kg": infusion.weight_kg.normalize(),
                     "lots": list(infusion.lots), "full_dose": infusion.full_dose,
                     "version": infusion.version} if infusion else None,
        "follow_ups": [{"number": row.number, "due_date": row.due_on.isoformat(),
                        "state": row.state} for row in follow_up_rows(auth)],
    }

