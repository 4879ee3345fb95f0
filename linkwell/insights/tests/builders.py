"""Synthetic activity for insights tests: referrals with events, contacts and connections, written directly."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from linkwell.casework.models import Contact, ContactKind
from linkwell.connections.models import Attendance, AttendanceStatus, Connection, ConnectionStatus
from linkwell.directory.models import Attribute, Service, TaxonomyTerm, TermKind
from linkwell.outcomes.models import MeasureResponse, Timepoint
from linkwell.referrals.models import ClosureReason, Referral, ReferralEvent, Source, Status
from linkwell.testing.cast import SchemeCast
from linkwell.testing.factories import PersonFactory

START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


@dataclass
class Journey:
    referral: Referral


def service_for(team: SchemeCast, name: str = "Walking for health", category: str = "Physical activity") -> Service:
    service = Service.objects.create(
        scheme=team.scheme, name=name, provider=team.provider_org, capacity_available=3, waiting_list_length=2
    )
    term = TaxonomyTerm.objects.create(scheme=team.scheme, name=category, kind=TermKind.CATEGORY)
    Attribute.objects.create(service=service, taxonomy_term=term)
    return service


def journey(
    team: SchemeCast,
    *,
    service: Service | None = None,
    day: int = 0,
    path: tuple[str, ...] = (Status.ACCEPTED, Status.CONTACTED, Status.ASSESSED, Status.ACTIVE, Status.CLOSED),
    reason: str = ClosureReason.COMPLETED,
    needs: tuple[str, ...] = ("loneliness",),
    postcode: str = "LW1 1AB",
    source: str = Source.GP,
    contact_after_days: int | None = 3,
    connect: str | None = ConnectionStatus.COMPLETED,
) -> Journey:
    """One referral walked along `path`, one day per step, with a contact and a connection if asked."""
    received = START + dt.timedelta(days=day)
    person = PersonFactory.create(scheme=team.scheme, postcode=postcode, registered_practice=team.practice)
    referral = Referral.objects.create(
        scheme=team.scheme,
        person=person,
        source=source,
        channel="form",
        referring_organisation=team.practice,
        needs=list(needs),
        reason_text="Synthetic",
        received_at=received,
        assigned_to=team.link_worker,
    )
    user = team.link_worker.user
    previous: str = Status.RECEIVED
    ReferralEvent.objects.create(referral=referral, at=received, from_status="", to_status=Status.RECEIVED)
    for step, status in enumerate(path, start=1):
        ReferralEvent.objects.create(
            referral=referral,
            at=received + dt.timedelta(days=step),
            from_status=previous,
            to_status=status,
            reason=reason if status in (Status.CLOSED, Status.REJECTED) else "",
        )
        previous = status
    referral.status = previous  # saved the way the state machine saves it (a queryset update sends no signal)
    referral.save(update_fields=["status"])
    if contact_after_days is not None:
        Contact.objects.create(
            referral=referral,
            person=person,
            kind=ContactKind.values[0],
            successful=True,
            duration_minutes=20,
            occurred_at=received + dt.timedelta(days=contact_after_days),
            recorded_by=user,
            recorded_by_organisation=team.link_service,
        )
    if connect and service is not None:
        sent = received + dt.timedelta(days=5)
        connection = Connection.objects.create(
            scheme=team.scheme,
            referral=referral,
            person=person,
            service=service,
            status=connect,
            why_referred="Synthetic",
            proposed_by=user,
            proposed_by_organisation=team.link_service,
            created_at=sent,
            sent_at=sent,
            responded_at=sent + dt.timedelta(days=2),
            decline_reason="no_capacity" if connect == ConnectionStatus.DECLINED else "",
        )
        if connect in (ConnectionStatus.ATTENDING, ConnectionStatus.COMPLETED):
            for week, status in enumerate((AttendanceStatus.ATTENDED, AttendanceStatus.DID_NOT_ATTEND)):
                Attendance.objects.create(
                    connection=connection,
                    session_date=(sent + dt.timedelta(days=7 * (week + 1))).date(),
                    status=status,
                    recorded_by=team.provider.user,
                    recorded_by_organisation=team.provider_org,
                )
    referral.refresh_from_db()
    return Journey(referral=referral)


def swemwbs_measured(team: SchemeCast, referral: Referral, before: float, after: float | None) -> None:
    """A SWEMWBS baseline a day after START and, unless `after` is None, a follow-up 90 days after it."""
    for timepoint, value, days in ((Timepoint.BASELINE, before, 1), (Timepoint.FOLLOW_UP, after, 90)):
        if value is None:
            continue
        MeasureResponse.objects.create(
            scheme=team.scheme,
            person=referral.person,
            referral=referral,
            measure="swemwbs",
            timepoint=timepoint,
            answers={},
            scores={"swemwbs": value},
            completed_at=START + dt.timedelta(days=days),
            method="with_link_worker",
        )


def now() -> dt.datetime:
    return timezone.now()
