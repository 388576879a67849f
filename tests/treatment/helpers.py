"""Plain helpers for the treatment tests."""

from decimal import Decimal

from django.utils import timezone


def today():
    return timezone.localdate()


def infusion_data(day, **changes):
    data = {"infused_on": day, "lots": ["L123", "L124"], "weight_kg": Decimal("72"),
            "dose_gc_per_kg": Decimal("2e13"), "site_name": "Lakeside Infusion Center",
            "site_npi": "1234567893", "baseline_treated_bleeds": 4,
            "baseline_factor_ix_product": "rFIX", "full_dose": True, "fraction_given": None,
            "partial_reason": ""}
    data.update(changes)
    return data
