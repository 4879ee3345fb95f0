"""Connection, accompaniment and attendance entries for the referral timeline that casework builds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from linkwell.referrals.models import Referral

from .models import Accompaniment, Attendance, ConnectionEvent, ConnectionStatus


def _entry(**kwargs: Any) -> Any:
    from linkwell.casework.timeline import TimelineEntry

    return TimelineEntry(**kwargs)


def connection_entries(referral: Referral) -> Iterable[Any]:
    events = ConnectionEvent.objects.filter(connection__referral=referral).select_related("connection__service")
    for event in events:
        service = event.connection.service.name
        title = f"Connection to {service}: {ConnectionStatus(event.to_status).label.lower()}"
        detail = " ".join(
            part for part in (f"Reason: {event.reason_label}." if event.reason else "", event.note) if part
        )
        yield _entry(when=event.at, kind="connection", title=title, detail=detail, actor=event.actor_label)
    accompaniments = Accompaniment.objects.filter(connection__referral=referral).select_related(
        "connection__service", "volunteer__user"
    )
    for accompaniment in accompaniments:
        status = accompaniment.get_status_display().lower()
        yield _entry(
            when=accompaniment.recorded_at or accompaniment.created_at,
            kind="connection",
            title=f"Accompaniment to {accompaniment.connection.service.name}: {status}",
            detail=f"{accompaniment.volunteer.user.display_name}, {accompaniment.session_date:%d %B %Y}",
        )
    attendances = Attendance.objects.filter(connection__referral=referral).select_related("connection__service")
    for attendance in attendances:
        when = timezone.make_aware(dt.datetime.combine(attendance.session_date, dt.time(12)))
        yield _entry(
            when=when,
            kind="attendance",
            title=f"{attendance.connection.service.name}: {attendance.get_status_display().lower()}",
            detail=f"Recorded by {attendance.get_method_display().lower()}",
        )
