import pytest

from authorizations import services
from tests.factories import approvable_case


@pytest.fixture
def pending(prescriber, submit):
    """A request pended for review: the alcohol counseling attestation is missing."""
    prescriber.email = "prescriber@htc.example"
    services.user_save(prescriber, by=None)
    return submit(prescriber, approvable_case(member_id="M-REVIEW-1",
                                              attest_alcohol_counseling=False))


@pytest.fixture(autouse=True)
def _quick_information_letters(monkeypatch):
    from authorizations import letters

    monkeypatch.setattr(letters, "render_information_pdf",
                        lambda ir: b"%PDF-1.7 information " + str(ir.pk).encode())


@pytest.fixture(autouse=True)
def _quick_letters(quick_letters):
    """Letters without WeasyPrint here: what they say is tested in tests/letters."""
