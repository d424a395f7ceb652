from unittest import mock

import pytest
from django.utils import timezone

from calendars import connections, tasks
from calendars.models import CalendarConnection
from tests.calendars.servers import Route
from tests.factories import SpecialistFactory

pytestmark = pytest.mark.django_db

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n"


def test_the_sweep_hands_workers_ids_only_never_an_address(ics_server):
    ics_server.routes["/secret-feed.ics"] = Route(body=ICS)
    connection = connections.add_subscription(
        specialist=SpecialistFactory(), url=ics_server.url("/secret-feed.ics"), now=timezone.now()
    )

    with mock.patch.object(tasks.sync_batch, "delay") as delay:
        assert tasks.sync_due() == 1

    delay.assert_called_once_with([connection.pk])


def test_a_batch_syncs_each_connection_it_is_given(ics_server):
    ics_server.routes["/feed.ics"] = Route(body=ICS)
    connection = connections.add_subscription(
        specialist=SpecialistFactory(), url=ics_server.url("/feed.ics"), now=timezone.now()
    )

    assert tasks.sync_batch([connection.pk]) == 1

    assert CalendarConnection.objects.get().last_success_at is not None


def test_the_write_back_sweep_with_nothing_to_write_queues_nothing():
    with mock.patch.object(tasks.write_back_batch, "delay") as delay:
        assert tasks.write_back() == 0
    delay.assert_not_called()
