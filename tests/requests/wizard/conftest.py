import pytest

from tests.factories import login
from tests.walker import Walker


@pytest.fixture
def prescriber_client(client, prescriber):
    return login(client, prescriber)


@pytest.fixture
def walker(prescriber_client):
    return Walker(prescriber_client)
