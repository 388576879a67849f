"""The dose arithmetic of the label, shown to the prescriber on the dosing step,
the review page and the letters: 2 x 10^13 gc/kg at 1 x 10^13 gc/mL is 2 mL/kg;
vials hold 10 mL (rounded up: a vial is never split across patients); kits
hold 10 to 48 vials, so the kit dispensed is the vials the dose needs, but
never fewer than the smallest kit's 10. The label dose and its 1% tolerance,
which `dosing` judges, are here too."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import (
    ROUND_CEILING,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    localcontext,
)

LABEL_DOSE_GC_PER_KG = Decimal("2e13")
DOSE_TOLERANCE = Decimal("0.01")  # "within 1%" of the label dose, both bounds included
DOSE_LOWEST = LABEL_DOSE_GC_PER_KG * (1 - DOSE_TOLERANCE)  # 1.98e13 is met
DOSE_HIGHEST = LABEL_DOSE_GC_PER_KG * (1 + DOSE_TOLERANCE)  # 2.02e13 is met
VECTOR_GC_PER_ML = Decimal("1e13")
VIAL_ML = 10
SMALLEST_KIT_VIALS = 10
LARGEST_KIT_VIALS = 48


@dataclass(frozen=True)
class DosePlan:
    """`vials`: the vials the dose needs (volume / 10 mL, rounded up)."""

    weight_kg: Decimal
    total_gc: Decimal
    volume_ml: Decimal
    vials: int

    @property
    def beyond_largest_kit(self) -> bool:
        return self.vials > LARGEST_KIT_VIALS

    @property
    def kit_vials(self) -> int | None:
        """The vials of the kit dispensed: the vials the dose needs, at least
        the smallest kit's; None when no one kit holds the dose."""
        if self.beyond_largest_kit:
            return None
        return max(self.vials, SMALLEST_KIT_VIALS)

    @property
    def kit_ml(self) -> int | None:
        """What the kit dispensed holds, in mL (None: no one kit holds the dose)."""
        return None if self.kit_vials is None else self.kit_vials * VIAL_ML

    @property
    def smallest_kit(self) -> bool:
        """The dose needs fewer vials than the smallest kit holds."""
        return self.vials < SMALLEST_KIT_VIALS


def dose_plan(weight_kg: Decimal, dose_gc_per_kg: Decimal = LABEL_DOSE_GC_PER_KG) -> DosePlan:
    # Exact: two numbers of at most 30 digits multiply into at most 60, and
    # dividing by 1e13 or 10 only moves the point. The default 28-digit context
    # would round 240.000000000000000000000000001 kg to a volume of exactly
    # 480 mL, and the kit flag would miss it; Inexact makes any rounding loud.
    with localcontext(Context(prec=100, traps=[Inexact, InvalidOperation, DivisionByZero])):
        total = weight_kg * dose_gc_per_kg
        volume = total / VECTOR_GC_PER_ML
        vials = int((volume / VIAL_ML).to_integral_value(rounding=ROUND_CEILING))
    return DosePlan(weight_kg=weight_kg, total_gc=total, volume_ml=volume, vials=vials)
