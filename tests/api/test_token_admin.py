"""No key material in any address, so none in any access log (issue 23 N13):
a token's primary key is its stored hash ("<prefix>.<hash>", the library's),
so the admin offers no page addressed by it; the list shows the prefix."""

import logging
import re

import pytest

from authorizations.api.models import HTCAPIKey
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BASE = "/admin/authorizations_api/htcapikey/"


@pytest.fixture
def superuser():
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


def addresses(html: str) -> list[str]:
    return re.findall(r'(?:href|action|src)="([^"]*)"', html)


def test_the_token_admin_puts_no_stored_hash_in_an_address_or_a_log(client, superuser,
                                                                    prescriber, caplog):
    caplog.set_level(logging.DEBUG)
    client.force_login(superuser)
    added = client.post(f"{BASE}add/", {"name": "Epic", "htc": prescriber.prescriber.htc.pk},
                        follow=True)
    assert added.status_code == 200
    key = HTCAPIKey.objects.get()
    # The hash's digits (the address quotes its "$" signs); the prefix is public.
    secret = key.hashed_key.rsplit("$", 1)[1]
    assert len(secret) >= 64 and secret in key.pk
    listing = client.get(BASE)
    pages = [added.content.decode(), listing.content.decode()]
    assert key.prefix in pages[1]
    for page in pages:
        assert not [a for a in addresses(page) if secret in a]
    client.post(BASE, {"action": "revoke", "_selected_action": [key.pk]})
    assert HTCAPIKey.objects.get().revoked
    assert secret not in caplog.text
    # The token's own pages are gone, so no one follows a link to them.
    for suffix in ("change/", "history/", "delete/", ""):
        assert client.get(f"{BASE}{key.pk}/{suffix}").status_code == 404


@pytest.mark.parametrize("address", ["/admin/authorizations_api/htcapikey/Ab12Cd34.sha512$$",
                                     "/admin/authorizations_api/htcapikey/Ab12Cd34.sha512_24_24"])
def test_a_hand_typed_address_with_a_hash_is_redacted_by_the_log_handler(address):
    # Who types the address is not the admin's to stop: the handler redacts the line.
    digest = "0123456789abcdef" * 8
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1,
                               "Not Found: %s", (f"{address}{digest}/change/",), None)
    console = next(h for h in logging.getLogger().handlers
                   if any(type(f).__name__ == "RedactKeyMaterial" for f in h.filters))
    assert console.filter(record)
    assert digest not in record.getMessage() and "[redacted]" in record.getMessage()
