import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Test users need no slow password hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _quick_letters(monkeypatch):
    # The admin shows and serves letters; what they say is tested in
    # tests/letters. Skipping WeasyPrint here keeps these tests fast.
    from authorizations.letters import rendering as letters

    monkeypatch.setattr(letters, "render_pdf",
                        lambda determination: b"%PDF-1.7 letter " + str(determination.pk).encode())
