import pytest

from authorizations.accounts.services import user_save
from tests.factories import approvable_case


@pytest.fixture
def pending(prescriber, submit):
    """A request pended for review: the alcohol counseling attestation is missing."""
    prescriber.email = "prescriber@htc.example"
    user_save(prescriber, by=None)
    return submit(prescriber, approvable_case(member_id="M-REVIEW-1",
                                              attest_alcohol_counseling=False))


@pytest.fixture(autouse=True)
def _quick_information_letters(monkeypatch):
    from authorizations.letters import rendering as letters

    monkeypatch.setattr(letters, "render_information_pdf",
                        lambda ir, copy="prescriber":
                        b"%PDF-1.7 information " + str(ir.pk).encode())


@pytest.fixture(autouse=True)
def _quick_letters(quick_letters):
    """Letters without WeasyPrint here: what they say is tested in tests/letters."""
