"""Demo connections for the Wellbrook scheme: prescribed services, provider answers, attendance, cards and
accompaniment, laid along each demo referral's own history so the dates agree with its events."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.utils import timezone

from linkwell.accounts.models import Membership, Role, Scheme
from linkwell.directory.models import Service, ServiceStatus
from linkwell.people.models import Consent, ConsentScope
from linkwell.referrals.models import ClosureReason, Referral, ReferralEvent
from linkwell.referrals.models import Status as S

from .lifecycle import ALLOWED
from .models import (
    Accompaniment,
    AccompanimentStatus,
    Attendance,
    AttendanceCard,
    AttendanceMethod,
    AttendanceStatus,
    Connection,
    ConnectionEvent,
    ConnectionStatus,
    DeclineReason,
    StopReason,
)

CS = ConnectionStatus

WHY = [
    "Would like to meet people nearby; a bit nervous about the first visit.",
    "Keen to get moving again at their own pace.",
    "Enjoys being outdoors and wants something regular in the week.",
    "Looking for something to look forward to; prefers small groups.",
    "Wants practical help and a friendly face.",
]


def _share_in_force(scheme: Scheme) -> set[int]:
    latest: dict[int, Consent] = {}
    for consent in Consent.objects.filter(person__scheme=scheme, scope=ConsentScope.SHARE_WITH_PROVIDERS).order_by(
        "recorded_at", "id"
    ):
        latest[consent.person_id] = consent
    return {pk for pk, consent in latest.items() if consent.is_in_force}


def build_demo_connections(scheme: Scheme, rng: random.Random) -> int:
    """Add connections, their events, attendance, cards and accompaniments; returns how many connections."""
    now = timezone.now()
    today = timezone.localdate()
    services = list(
        Service.objects.filter(scheme=scheme, status=ServiceStatus.ACTIVE, provider__isnull=False).select_related(
            "provider"
        )
    )
    workers = list(
        Membership.objects.filter(organisation__scheme=scheme, role=Role.LINK_WORKER).select_related(
            "user", "organisation"
        )
    )
    if not services or not workers:
        return 0
    providers = {
        m.organisation_id: m
        for m in Membership.objects.filter(organisation__scheme=scheme, role=Role.PROVIDER).select_related(
            "user", "organisation"
        )
    }
    staffed = [s for s in services if s.provider_id in providers]
    volunteer = Membership.objects.filter(organisation__scheme=scheme, role=Role.VOLUNTEER).first()
    consenting = _share_in_force(scheme)
    events_by_referral: dict[int, list[ReferralEvent]] = defaultdict(list)
    for event in ReferralEvent.objects.filter(referral__scheme=scheme).order_by("at", "id"):
        events_by_referral[event.referral_id].append(event)

    plans: list[tuple[Connection, list[tuple[dt.datetime, str, str, object]], list[tuple[dt.date, str]]]] = []
    for referral in Referral.objects.filter(scheme=scheme).select_related(
        "assigned_to__user", "assigned_to__organisation"
    ):
        history = events_by_referral.get(referral.pk, [])
        active = next((e for e in history if e.to_status == S.ACTIVE), None)
        if active is None:
            continue
        worker = referral.assigned_to or rng.choice(workers)
        closing = next((e for e in reversed(history) if e.to_status == S.CLOSED and e.at > active.at), None)
        end = closing.at if closing is not None else now
        for _ in range(rng.choice([1, 1, 1, 2])):
            # Most connections go to services whose provider has a demo login, so the provider pages have people.
            service = rng.choice(staffed if staffed and rng.random() < 0.6 else services)
            provider = providers.get(service.provider_id or 0)
            weeks = rng.choice([8, 12, 12, None])
            created = active.at - dt.timedelta(minutes=rng.randint(1, 30))
            connection = Connection(
                scheme=scheme,
                referral=referral,
                person_id=referral.person_id,
                service=service,
                prescription_weeks=weeks,
                why_referred=rng.choice(WHY),
                proposed_by=worker.user,
                proposed_by_organisation=worker.organisation,
                created_at=created,
                status_changed_at=created,
            )
            steps: list[tuple[dt.datetime, str, str, object]] = []  # (when, to, reason, actor membership)
            sessions: list[tuple[dt.date, str]] = []
            if referral.person_id in consenting:
                sent = created + dt.timedelta(hours=rng.randint(1, 48))
                if sent < end:
                    steps.append((sent, CS.SENT, "", worker))
                    answered = sent + dt.timedelta(days=rng.randint(1, 12))
                    roll = rng.random()
                    if answered >= end:
                        pass  # still waiting for the provider
                    elif roll < 0.08:
                        steps.append((answered, CS.DECLINED, rng.choice(list(DeclineReason.values[:3])), provider))
                    else:
                        if roll < 0.16:
                            steps.append((answered, CS.WAITLISTED, "", provider))
                            answered += dt.timedelta(days=rng.randint(7, 30))
                        if answered < end:
                            steps.append((answered, CS.ACCEPTED, "", provider))
                            day = timezone.localtime(answered).date() + dt.timedelta(days=rng.randint(2, 7))
                            last = min(
                                timezone.localtime(end).date(),
                                today,
                                day + dt.timedelta(weeks=weeks or 16),
                            )
                            keen = rng.random()
                            # Only services with a provider login take registers in the demo.
                            while provider is not None and day <= last:
                                roll_day = rng.random()
                                status = (
                                    AttendanceStatus.DID_NOT_ATTEND
                                    if roll_day > keen + 0.2
                                    else (AttendanceStatus.LATE if roll_day < 0.08 else AttendanceStatus.ATTENDED)
                                )
                                sessions.append((day, status))
                                day += dt.timedelta(weeks=1)
                            present = [d for d, s in sessions if s != AttendanceStatus.DID_NOT_ATTEND]
                            if present:
                                first = timezone.make_aware(dt.datetime.combine(present[0], dt.time(11)))
                                steps.append(
                                    (max(first, answered + dt.timedelta(minutes=1)), CS.ATTENDING, "", provider)
                                )
                            if closing is not None:
                                ended = closing.at - dt.timedelta(hours=1)
                                if closing.reason == ClosureReason.COMPLETED:
                                    steps.append((ended, CS.COMPLETED, "", worker))
                                else:
                                    steps.append((ended, CS.STOPPED, StopReason.PERSON_STOPPED, worker))
            elif closing is not None:
                steps.append((closing.at - dt.timedelta(hours=1), CS.STOPPED, StopReason.WITHDRAWN, worker))
            # Keep only a path the lifecycle table allows, in time order.
            state, valid = CS.PROPOSED, []
            for step in sorted(steps, key=lambda s: s[0]):
                if step[1] in ALLOWED[state]:
                    valid.append(step)
                    state = CS(step[1])
            accepted = any(step[1] == CS.ACCEPTED for step in valid)
            plans.append((connection, valid, sessions if accepted else []))

    for connection, steps, _ in plans:
        for at, to, reason, _actor in steps:
            connection.status = to
            connection.status_changed_at = at
            if to == CS.SENT:
                connection.sent_at = at
            if to in (CS.ACCEPTED, CS.WAITLISTED, CS.DECLINED) and connection.responded_at is None:
                connection.responded_at = at
            if to == CS.ACCEPTED:
                connection.starts_on = timezone.localtime(at).date()
                connection.ends_on = connection.derived_ends_on()
            if to == CS.DECLINED:
                connection.decline_reason = str(reason)
            if to == CS.STOPPED:
                connection.stop_reason = str(reason)
            if to in (CS.DECLINED, CS.COMPLETED, CS.STOPPED):
                connection.ended_at = at
    Connection.objects.bulk_create([plan[0] for plan in plans], batch_size=500)

    events: list[ConnectionEvent] = []
    attendances: list[Attendance] = []
    for connection, steps, sessions in plans:
        worker_user = connection.proposed_by
        events.append(
            ConnectionEvent(
                connection=connection,
                at=connection.created_at,
                actor=worker_user,
                actor_organisation=connection.proposed_by_organisation,
                actor_role=Role.LINK_WORKER,
                actor_label=worker_user.display_name,
                from_status="",
                to_status=CS.PROPOSED,
            )
        )
        previous: str = CS.PROPOSED
        for at, to, reason, actor in steps:
            member = actor if isinstance(actor, Membership) else None
            # Answers from providers without a demo login are attributed to the organisation.
            organisation = member.organisation if member else connection.service.provider
            events.append(
                ConnectionEvent(
                    connection=connection,
                    at=at,
                    actor=member.user if member else None,
                    actor_organisation=organisation,
                    actor_role=member.role if member else Role.PROVIDER,
                    actor_label=member.user.display_name if member else (organisation.name if organisation else ""),
                    from_status=previous,
                    to_status=to,
                    reason=str(reason),
                )
            )
            previous = to
        provider = providers.get(connection.service.provider_id or 0)
        if provider is not None:
            for day, mark in sessions:
                attendances.append(
                    Attendance(
                        connection=connection,
                        session_date=day,
                        status=mark,
                        method=AttendanceMethod.CARD if rng.random() < 0.3 else AttendanceMethod.REGISTER,
                        recorded_by=provider.user,
                        recorded_by_organisation=provider.organisation,
                        recorded_at=timezone.make_aware(dt.datetime.combine(day, dt.time(12))),
                    )
                )
    ConnectionEvent.objects.bulk_create(events, batch_size=1000)
    Attendance.objects.bulk_create(attendances, batch_size=1000)

    attending = [c for c, _, _ in plans if c.status in (CS.ACCEPTED, CS.ATTENDING)]
    people = sorted({c.person_id for c in attending})
    cards = [
        AttendanceCard(scheme=scheme, person_id=pk, issued_by=workers[0].user, issued_at=now)
        for pk in people
        if rng.random() < 0.6
    ]
    AttendanceCard.objects.bulk_create(cards, batch_size=500)
    if volunteer is not None:
        upcoming = [c for c in attending if c.status == CS.ACCEPTED][:3]
        recent = [c for c in attending if c.status == CS.ATTENDING][:3]
        Accompaniment.objects.bulk_create(
            [
                Accompaniment(
                    connection=c,
                    volunteer=volunteer,
                    session_date=today + dt.timedelta(days=3 + i),
                    arrangements="Meet at the main entrance ten minutes before the start.",
                    requested_by=c.proposed_by,
                )
                for i, c in enumerate(upcoming)
            ]
            + [
                Accompaniment(
                    connection=c,
                    volunteer=volunteer,
                    session_date=c.starts_on or today,
                    status=AccompanimentStatus.DONE,
                    requested_by=c.proposed_by,
                    recorded_by=volunteer.user,
                    recorded_at=now,
                    outcome_note="Went well; they plan to go again next week.",
                )
                for c in recent
            ]
        )
    return len(plans)
