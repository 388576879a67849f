"""The approval letter's dose: the vials the dose needs and the kit actually
dispensed, never fewer than the smallest kit's 10 vials."""

import pytest

from authorizations.models import Letter
from tests.factories import approvable_case

pytestmark = pytest.mark.django_db


@pytest.mark.real_letters(kinds=["approval"], copies=["prescriber"])
def test_a_light_patient_gets_the_smallest_kit(prescriber, submit, read_pdf, keep_pdf):
    req = submit(prescriber, approvable_case(weight_kg=38))
    pdf = Letter.objects.get(determination__request=req).pdf
    keep_pdf("approval-smallest-kit", pdf)
    text = read_pdf(pdf)
    assert "76 mL" in text and "8 vials of 10 mL" in text
    assert "10 vials (100 mL), the smallest kit" in text
