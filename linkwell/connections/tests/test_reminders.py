from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from linkwell.connections import lifecycle
from linkwell.connections.models import ConnectionNotice, ConnectionStatus, NoticeKind
from linkwell.connections.services import connection_reminders_run
from linkwell.connections.workingdays import add_working_days, is_working_day, working_days_between
from linkwell.testing.cast import Cast

from .factories import make_connection

CS = ConnectionStatus
LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db

# Monday 7 December 2026, 10:00: ten working days later is Monday 21 December.
SENT_AT = dt.datetime(2026, 12, 7, 10, 0, tzinfo=LONDON)


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    assert not is_working_day(dt.date(2026, 12, 25))  # Christmas Day, a Friday
    assert not is_working_day(dt.date(2026, 12, 28))  # substitute Boxing Day
    assert not is_working_day(dt.date(2026, 12, 26))  # Saturday
    assert is_working_day(dt.date(2026, 12, 29))
    # From Wednesday 23 December: Thu 24, then Tue 29, Wed 30, Thu 31, (1 Jan holiday), Mon 4 January.
    assert add_working_days(dt.date(2026, 12, 23), 5) == dt.date(2027, 1, 4)
    assert working_days_between(dt.date(2026, 12, 23), dt.date(2027, 1, 4)) == 5
    assert working_days_between(dt.date(2026, 12, 23), dt.date(2026, 12, 23)) == 0


def _sent_connection(cast: Cast) -> object:
    cast.north.provider_org.email = "hello@walking.example"
    cast.north.provider_org.save()
    with time_machine.travel(SENT_AT, tick=False):
        return make_connection(cast.north, status=CS.SENT)


def test_nothing_happens_before_half_the_response_time(cast: Cast) -> None:
    _sent_connection(cast)
    with time_machine.travel(dt.datetime(2026, 12, 11, 9, 0, tzinfo=LONDON), tick=False):  # 4 working days
        mail.outbox.clear()
        run = connection_reminders_run()
    assert (run.reminders, run.escalations) == (0, 0)
    assert not ConnectionNotice.objects.exists()
    assert mail.outbox == []


def test_it_reminds_the_provider_at_half_time_once(cast: Cast) -> None:
    connection = _sent_connection(cast)
    with time_machine.travel(dt.datetime(2026, 12, 14, 9, 0, tzinfo=LONDON), tick=False):  # 5 working days
        mail.outbox.clear()
        first = connection_reminders_run()
        second = connection_reminders_run()
    assert (first.reminders, second.reminders) == (1, 0)
    notice = ConnectionNotice.objects.get()
    assert notice.kind == NoticeKind.REMINDER and notice.working_days_waited == 5
    assert [m.to for m in mail.outbox] == [["hello@walking.example"]]
    # The email names the service, never the person.
    assert connection.person.family_name not in mail.outbox[0].body  # type: ignore[attr-defined]
    connection.refresh_from_db()  # type: ignore[attr-defined]
    assert connection.reminder_count == 1  # type: ignore[attr-defined]


def test_it_escalates_to_the_link_worker_after_the_response_time(cast: Cast) -> None:
    connection = _sent_connection(cast)
    with time_machine.travel(dt.datetime(2026, 12, 14, 9, 0, tzinfo=LONDON), tick=False):
        connection_reminders_run()
    with time_machine.travel(dt.datetime(2026, 12, 18, 9, 0, tzinfo=LONDON), tick=False):  # 9 working days
        assert connection_reminders_run().escalations == 0
    with time_machine.travel(dt.datetime(2026, 12, 21, 9, 0, tzinfo=LONDON), tick=False):  # 10 working days
        mail.outbox.clear()
        run = connection_reminders_run()
        again = connection_reminders_run()
    assert (run.escalations, again.escalations, run.reminders) == (1, 0, 0)
    assert [m.to for m in mail.outbox] == [[cast.north.link_worker.user.email]]
    connection.refresh_from_db()  # type: ignore[attr-defined]
    assert connection.escalated_at is not None  # type: ignore[attr-defined]
    assert list(ConnectionNotice.objects.values_list("kind", flat=True)) == [NoticeKind.REMINDER, NoticeKind.ESCALATION]


def test_bank_holidays_pause_the_clock(cast: Cast) -> None:
    cast.north.scheme.provider_response_working_days = 4
    cast.north.scheme.save()
    with time_machine.travel(dt.datetime(2026, 12, 23, 10, 0, tzinfo=LONDON), tick=False):
        make_connection(cast.north, status=CS.SENT)
    # 24 Dec is 1 working day; 25–28 Dec are holidays and a weekend; 29 Dec is 2, so the reminder (2 of 4) is due.
    with time_machine.travel(dt.datetime(2026, 12, 28, 9, 0, tzinfo=LONDON), tick=False):
        assert connection_reminders_run().reminders == 0
    with time_machine.travel(dt.datetime(2026, 12, 29, 9, 0, tzinfo=LONDON), tick=False):
        assert connection_reminders_run().reminders == 1


def test_an_answered_connection_gets_no_reminder(cast: Cast) -> None:
    connection = _sent_connection(cast)
    lifecycle.connection_waitlist(actor=cast.north.provider, connection=connection)  # type: ignore[arg-type]
    with time_machine.travel(dt.datetime(2026, 12, 22, 9, 0, tzinfo=LONDON), tick=False):
        run = connection_reminders_run()
    assert (run.reminders, run.escalations) == (0, 0)


def test_the_command_runs_with_a_date(cast: Cast) -> None:
    _sent_connection(cast)
    out = StringIO()
    with time_machine.travel(dt.datetime(2026, 12, 14, 9, 0, tzinfo=LONDON), tick=False):
        call_command("connection_reminders", stdout=out)
    assert "Reminders sent: 1; escalations: 0" in out.getvalue()
    out = StringIO()
    call_command("connection_reminders", "--date", "2026-12-21", stdout=out)
    assert "escalations: 1" in out.getvalue()
