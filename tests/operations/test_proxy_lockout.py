"""Lockout behind the proxy: the address that counts is the one our proxy
appended to X-Forwarded-For, never one the client wrote (issue "Operations")."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from authorizations.core.middleware import client_ip_behind_proxy
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # nginx on the same host, a trusted proxy by default
CLIENT = "203.0.113.9"


@pytest.fixture(autouse=True)
def _behind_proxy(settings):
    settings.AXES_CLIENT_IP_CALLABLE = "authorizations.core.middleware.client_ip_behind_proxy"
    settings.PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = frozenset({"127.0.0.1", "::1"})


def sign_in(client, forwarded, password="wrong password", remote=PROXY):
    return client.post("/accounts/login/", {"username": "prescriber", "password": password},
                       REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)


def ip(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip_behind_proxy(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_the_right_most_entries_per_the_proxy_count(settings):
    assert ip(PROXY, f"6.6.6.6, {CLIENT}") == CLIENT
    settings.PROXY_COUNT = 2  # a load balancer, then nginx: client, balancer
    assert ip(PROXY, f"6.6.6.6, {CLIENT}, 10.0.0.5") == CLIENT
    # Fewer entries than proxies, or a malformed one: the connection's address.
    assert ip(PROXY, CLIENT) == PROXY
    settings.PROXY_COUNT = 1
    assert ip(PROXY, "not-an-address") == PROXY
    assert ip(PROXY, "") == PROXY
    assert ip("", f"6.6.6.6, {CLIENT}") == CLIENT  # a unix socket: the proxy's own


def test_a_connection_not_from_a_trusted_proxy_is_keyed_on_its_own_address():
    assert ip("198.51.100.7", "1.2.3.4") == "198.51.100.7"
    assert ip("198.51.100.7", f"1.2.3.4, {CLIENT}") == "198.51.100.7"


def test_a_spoofed_header_does_not_lift_a_lockout(client, prescriber, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, CLIENT)
    # The client writes another address; nginx appends the real one.
    response = sign_in(client, f"198.51.100.1, {CLIENT}", password=PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_rotating_the_header_through_the_proxy_still_locks_out(client, prescriber, settings):
    statuses = [sign_in(client, f"10.9.{i}.1, {CLIENT}").status_code for i in range(20)]
    assert statuses[settings.AXES_FAILURE_LIMIT:] == [429] * (20 - settings.AXES_FAILURE_LIMIT)
    assert sign_in(client, f"10.9.99.1, {CLIENT}", password=PASSWORD).status_code == 429


def test_rotating_the_header_straight_at_the_app_server_still_locks_out(client, prescriber,
                                                                        settings):
    direct = "198.51.100.7"
    for i in range(20):
        last = sign_in(client, f"10.9.{i}.1", remote=direct)
    assert last.status_code == 429
    assert sign_in(client, "10.9.99.1", password=PASSWORD, remote=direct).status_code == 429


def test_the_real_client_elsewhere_still_signs_in(client, prescriber, settings):
    """The lockout is per username and address: someone else's guesses do not
    lock the prescriber out at their own address."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, CLIENT)
    response = sign_in(client, "192.0.2.44", password=PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(prescriber.pk)
