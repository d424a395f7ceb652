import pytest

from tests.calendars.servers import IcsServer, Radicale


@pytest.fixture
def ics_server(settings):
    server = IcsServer()
    server.start()
    settings.CALENDARS_ALLOWED_HOSTS = ["127.0.0.1"]
    yield server
    server.stop()


@pytest.fixture(scope="session")
def radicale(tmp_path_factory):
    server = Radicale(tmp_path_factory.mktemp("radicale"), {"alice": "app-pass-1", "bob": "pw-2"})
    yield server
    server.stop()
