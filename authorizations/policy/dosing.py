"""The dose arithmetic of the label, shown to the prescriber on the dosing step:
2 x 10^13 gc/kg at 1 x 10^13 gc/mL is 2 mL/kg; vials hold 10 mL; kits go up
to 48 vials."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from authorizations.policy.criteria import LABEL_DOSE_GC_PER_KG

VECTOR_GC_PER_ML = Decimal("1e13")
VIAL_ML = 10
LARGEST_KIT_VIALS = 48


@dataclass(frozen=True)
class DosePlan:
    weight_kg: Decimal
    total_gc: Decimal
    volume_ml: Decimal
    vials: int

    @property
    def beyond_largest_kit(self) -> bool:
        return self.vials > LARGEST_KIT_VIALS


def dose_plan(weight_kg: Decimal, dose_gc_per_kg: Decimal = LABEL_DOSE_GC_PER_KG) -> DosePlan:
    total = weight_kg * dose_gc_per_kg
    volume = total / VECTOR_GC_PER_ML
    vials = int((volume / VIAL_ML).to_integral_value(rounding=ROUND_CEILING))
    return DosePlan(weight_kg=weight_kg, total_gc=total, volume_ml=volume, vials=vials)
