"""Every write about connections: proposing, sending, direct booking, accompaniment, attendance, cards,
provider reminders and closing a referral. Status changes go through lifecycle.py."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from linkwell.accounts.models import AuditAction, Membership, Role
from linkwell.accounts.policies import Capability, require
from linkwell.accounts.services import audit_record
from linkwell.directory.models import Service, ServiceStatus
from linkwell.people.models import ConsentScope, Person
from linkwell.referrals import lifecycle as referral_lifecycle
from linkwell.referrals.models import ClosureReason, Referral
from linkwell.referrals.models import Status as ReferralStatus
from linkwell.referrals.services import referral_create

from . import lifecycle
from .models import (
    ATTENDABLE,
    OPEN,
    Accompaniment,
    AccompanimentStatus,
    Attendance,
    AttendanceCard,
    AttendanceMethod,
    AttendanceStatus,
    Connection,
    ConnectionEvent,
    ConnectionNotice,
    ConnectionStatus,
    NoticeKind,
    normalise_card_number,
)
from .workingdays import working_days_between

CS = ConnectionStatus
RS = ReferralStatus

# Referral states in which a link worker may prescribe: after the assessment, and again on reopening.
PROPOSABLE_REFERRAL_STATES = frozenset({RS.ASSESSED, RS.ACTIVE, RS.FOLLOW_UP, RS.REOPENED})


logger = logging.getLogger(__name__)


def _send_mail_quietly(**kwargs: Any) -> None:
    # Email is a courtesy on top of the record in Linkwell: a mail server failing must not undo or block it.
    try:
        send_mail(**kwargs)
    except Exception:
        logger.exception("Could not send email %r", kwargs.get("subject"))


class ConnectionNotPossible(ValueError):
    """A connection cannot be made or sent as asked; the message says why in plain words."""


def share_consent_in_force(person: Person) -> bool:
    return person.has_consent(ConsentScope.SHARE_WITH_PROVIDERS)


def _check_weeks(prescription_weeks: int | None) -> None:
    if prescription_weeks is not None and not 1 <= prescription_weeks <= 104:
        raise ConnectionNotPossible("Enter a length between 1 and 104 weeks, or choose open-ended")


def _check_service(scheme_id: int, service: Service) -> None:
    if service.scheme_id != scheme_id or service.status != ServiceStatus.ACTIVE:
        raise ConnectionNotPossible("Choose an active service in this scheme")


def _new_connection(
    *,
    actor: Membership,
    referral: Referral,
    service: Service,
    prescription_weeks: int | None,
    why_referred: str,
    direct_booking: bool,
    creation_key: uuid.UUID | None,
) -> Connection:
    connection = Connection.objects.create(
        scheme_id=referral.scheme_id,
        referral=referral,
        person_id=referral.person_id,
        service=service,
        prescription_weeks=prescription_weeks,
        why_referred=why_referred.strip(),
        direct_booking=direct_booking,
        proposed_by=actor.user,
        proposed_by_organisation=actor.organisation,
        creation_key=creation_key,
    )
    ConnectionEvent.objects.create(
        connection=connection,
        at=connection.created_at,
        actor=actor.user,
        actor_organisation=actor.organisation,
        actor_role=actor.role,
        actor_label=actor.user.display_name,
        from_status="",
        to_status=CS.PROPOSED,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=connection,
        person_id=referral.person_id,
        summary=f"Connection proposed to {service.name}{' (direct booking)' if direct_booking else ''}",
        changes={"prescription_weeks": prescription_weeks},
    )
    return connection


def connection_propose(
    *,
    actor: Membership,
    referral: Referral,
    service: Service,
    prescription_weeks: int | None,
    why_referred: str,
    creation_key: uuid.UUID | None = None,
) -> Connection:
    """Prescribe a service for the referral's person; the first prescription makes the referral active."""
    require(actor, Capability.CONNECTION_PROPOSE)
    if referral.scheme_id != actor.organisation.scheme_id:
        raise PermissionDenied("This referral belongs to another scheme")
    if creation_key is not None:
        existing = Connection.objects.filter(creation_key=creation_key, referral=referral).first()
        if existing is not None:
            return existing
    _check_weeks(prescription_weeks)
    _check_service(referral.scheme_id, service)
    if not why_referred.strip():
        raise ConnectionNotPossible("Say why this service suits the person")
    try:
        with transaction.atomic():
            locked = Referral.objects.select_for_update().get(pk=referral.pk)
            if locked.status not in PROPOSABLE_REFERRAL_STATES:
                raise ConnectionNotPossible(
                    f"Services can be prescribed once the assessment is done (this referral is "
                    f"{RS(locked.status).label.lower()})"
                )
            if Connection.objects.filter(referral=locked, service=service, status__in=OPEN).exists():
                raise ConnectionNotPossible("This person already has an open connection to this service")
            connection = _new_connection(
                actor=actor,
                referral=locked,
                service=service,
                prescription_weeks=prescription_weeks,
                why_referred=why_referred,
                direct_booking=False,
                creation_key=creation_key,
            )
            if locked.status != RS.ACTIVE:
                referral_lifecycle.referral_activate(
                    actor=actor, referral=locked, note=f"Connection proposed to {service.name}"
                )
    except IntegrityError:
        winner = Connection.objects.filter(creation_key=creation_key, referral=referral).first()
        if creation_key is not None and winner is not None:
            return winner
        raise
    referral.status = locked.status
    return connection


def _notify_provider_of_new_connection(connection: Connection) -> None:
    organisation = connection.service.provider
    if organisation is None or not organisation.email:
        return
    # No personal data in the email: the provider signs in to see who it is.
    _send_mail_quietly(
        subject="Linkwell: a new connection is waiting for your answer",
        message=(
            f"A new connection to {connection.service.name} has been sent to {organisation.name}.\n"
            "Please sign in to Linkwell to accept it, put the person on your waiting list or decline it."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[organisation.email],
    )


def connection_send(*, actor: Membership, connection: Connection, note: str = "") -> Connection:
    """Send a proposed connection to its provider; needs the person's consent to share in force."""
    require(actor, Capability.CONNECTION_PROPOSE)
    if connection.scheme_id != actor.organisation.scheme_id:
        raise PermissionDenied("This connection belongs to another scheme")
    if connection.service.provider_id is None:
        raise ConnectionNotPossible(
            "This service has no provider organisation on Linkwell, so it cannot receive connections here"
        )
    if not share_consent_in_force(connection.person):
        raise ConnectionNotPossible(
            "The person has not agreed to share their details with providers. Record their consent first."
        )
    sent = lifecycle.connection_send(actor=actor, connection=connection, note=note)
    transaction.on_commit(lambda: _notify_provider_of_new_connection(sent))
    return sent


def direct_booking_services(membership: Membership) -> list[Service]:
    """Services a referrer may book straight into: active, direct-referral, with a provider, scheme allowing."""
    scheme = membership.organisation.scheme
    if not scheme.allow_direct_booking:
        return []
    return list(
        Service.objects.filter(scheme_id=scheme.pk, accepts_direct_referrals=True, provider__isnull=False).active()
    )


def direct_booking_create(
    *,
    actor: Membership,
    person: Person,
    service: Service,
    needs: list[str],
    reason_text: str,
    prescription_weeks: int | None,
    consent_to_refer: bool,
    consent_to_share: bool,
    idempotency_key: str,
) -> Connection:
    """A referrer books the person straight into a direct-referral service: a referral plus a sent connection."""
    require(actor, Capability.DIRECT_BOOKING)
    scheme = actor.organisation.scheme
    if not scheme.allow_direct_booking:
        raise PermissionDenied("This scheme does not allow direct booking")
    if service.scheme_id != scheme.pk or not service.accepts_direct_referrals or service.provider_id is None:
        raise ConnectionNotPossible("This service does not take direct referrals")
    _check_service(scheme.pk, service)
    _check_weeks(prescription_weeks)
    if not consent_to_share:
        raise ConnectionNotPossible("A direct booking shares the person's details with the provider: they must agree")
    key = uuid.uuid5(uuid.NAMESPACE_URL, f"linkwell:direct-booking:{actor.organisation_id}:{idempotency_key}")
    existing = Connection.objects.filter(creation_key=key).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        referral = referral_create(
            actor=actor,
            person=person,
            needs=needs,
            reason_text=reason_text,
            consent_to_refer=consent_to_refer,
            consent_to_share=consent_to_share,
            idempotency_key=idempotency_key,
        )
        connection = _new_connection(
            actor=actor,
            referral=referral,
            service=service,
            prescription_weeks=prescription_weeks,
            why_referred=reason_text,
            direct_booking=True,
            creation_key=key,
        )
        # Direct booking skips the link worker: the connection goes straight to the provider.
        sent = lifecycle.transition(actor=actor, connection=connection, to_status=CS.SENT, note="Direct booking")
    transaction.on_commit(lambda: _notify_provider_of_new_connection(sent))
    return sent


def accompaniment_request(
    *,
    actor: Membership,
    connection: Connection,
    volunteer: Membership,
    session_date: dt.date,
    arrangements: str = "",
    creation_key: uuid.UUID | None = None,
) -> Accompaniment:
    """Ask a volunteer or peer supporter to go with the person to their first session."""
    require(actor, Capability.CONNECTION_PROPOSE)
    if connection.scheme_id != actor.organisation.scheme_id:
        raise PermissionDenied("This connection belongs to another scheme")
    if (
        volunteer.role != Role.VOLUNTEER
        or not volunteer.is_active
        or volunteer.organisation.scheme_id != connection.scheme_id
    ):
        raise ConnectionNotPossible("Choose an active volunteer in this scheme")
    if connection.status not in (CS.PROPOSED, CS.SENT, CS.ACCEPTED, CS.WAITLISTED, CS.ATTENDING):
        raise ConnectionNotPossible("This connection has ended")
    if creation_key is not None:
        existing = Accompaniment.objects.filter(creation_key=creation_key, connection=connection).first()
        if existing is not None:
            return existing
    with transaction.atomic():
        accompaniment = Accompaniment.objects.create(
            connection=connection,
            volunteer=volunteer,
            session_date=session_date,
            arrangements=arrangements.strip(),
            requested_by=actor.user,
            creation_key=creation_key,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=accompaniment,
            person_id=connection.person_id,
            summary=f"Accompaniment arranged with {volunteer.user.display_name} on {session_date:%d %B %Y}",
        )
    return accompaniment


def accompaniment_record_outcome(
    *, actor: Membership, accompaniment: Accompaniment, status: AccompanimentStatus | str, note: str = ""
) -> Accompaniment:
    """The volunteer (or a link worker) records whether the accompaniment happened."""
    if status not in (AccompanimentStatus.DONE, AccompanimentStatus.NOT_DONE):
        raise ValueError("Say whether the accompaniment happened")
    is_volunteer = actor.role == Role.VOLUNTEER and accompaniment.volunteer_id == actor.pk
    if not is_volunteer:
        require(actor, Capability.CONNECTION_PROPOSE)
        if accompaniment.connection.scheme_id != actor.organisation.scheme_id:
            raise PermissionDenied("This accompaniment belongs to another scheme")
    with transaction.atomic():
        locked = Accompaniment.objects.select_for_update().get(pk=accompaniment.pk)
        before = locked.status
        locked.status = status
        locked.outcome_note = note.strip()
        locked.recorded_at = timezone.now()
        locked.recorded_by = actor.user
        locked.save(update_fields=["status", "outcome_note", "recorded_at", "recorded_by"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            person_id=locked.connection.person_id,
            summary=f"Accompaniment: {locked.get_status_display().lower()}",
            changes={"status": [before, str(status)]},
        )
    return locked


def _check_attendance_actor(actor: Membership, connection: Connection) -> None:
    require(actor, Capability.ATTENDANCE_RECORD)
    if connection.service.provider_id != actor.organisation_id:
        raise PermissionDenied("This connection was sent to another organisation")


def attendance_record(
    *,
    actor: Membership,
    connection: Connection,
    session_date: dt.date,
    status: AttendanceStatus | str,
    method: AttendanceMethod | str = AttendanceMethod.REGISTER,
) -> Attendance:
    """Mark one session on the register (a second mark for the same day corrects the first); the first
    attended session moves an accepted connection to attending."""
    _check_attendance_actor(actor, connection)
    if status not in AttendanceStatus.values:
        raise ValueError(f"Unknown attendance status {status!r}")
    if session_date > timezone.localdate():
        raise ConnectionNotPossible("Attendance cannot be recorded for a future date")
    with transaction.atomic():
        locked = Connection.objects.select_for_update().get(pk=connection.pk)
        if locked.status not in ATTENDABLE:
            raise ConnectionNotPossible("Attendance can only be recorded once the connection is accepted")
        attendance = Attendance.objects.filter(connection=locked, session_date=session_date).first()
        if attendance is None:
            attendance = Attendance.objects.create(
                connection=locked,
                session_date=session_date,
                status=status,
                method=method,
                recorded_by=actor.user,
                recorded_by_organisation=actor.organisation,
            )
            changes: dict[str, object] = {"status": [None, str(status)]}
        else:
            changes = {"status": [attendance.status, str(status)]}
            attendance.status = status
            attendance.method = method
            attendance.recorded_by = actor.user
            attendance.recorded_at = timezone.now()
            attendance.save(update_fields=["status", "method", "recorded_by", "recorded_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if changes["status"][0] is None else AuditAction.UPDATE,  # type: ignore[index]
            obj=attendance,
            person_id=locked.person_id,
            summary=f"Attendance on {session_date:%d %B %Y}: {attendance.get_status_display().lower()}",
            changes=changes,
        )
        if locked.status == CS.ACCEPTED and attendance.counts_as_present:
            lifecycle.connection_start_attending(actor=actor, connection=locked)
    return attendance


def card_issue(*, actor: Membership, person: Person) -> AttendanceCard:
    """Issue the person a new attendance card, revoking any card they had (a lost card stops working)."""
    require(actor, Capability.CONNECTION_PROPOSE)
    if person.scheme_id != actor.organisation.scheme_id:
        raise PermissionDenied("This person belongs to another scheme")
    now = timezone.now()
    with transaction.atomic():
        for old in AttendanceCard.objects.select_for_update().filter(person=person, is_active=True):
            old.is_active = False
            old.revoked_at = now
            old.revoked_by = actor.user
            old.save(update_fields=["is_active", "revoked_at", "revoked_by"])
            audit_record(
                actor=actor, action=AuditAction.UPDATE, obj=old, person_id=person.pk, summary="Attendance card revoked"
            )
        card = AttendanceCard.objects.create(scheme_id=person.scheme_id, person=person, issued_by=actor.user)
        audit_record(
            actor=actor, action=AuditAction.CREATE, obj=card, person_id=person.pk, summary="Attendance card issued"
        )
    return card


@dataclass
class CheckIn:
    """What a card number leads to for one provider: nothing, or the person's connections to it."""

    card: AttendanceCard | None
    connections: list[Connection] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.connections)


def card_lookup(*, actor: Membership, card_number: str) -> CheckIn:
    """The actor's organisation's attendable connections for the card's person; empty for any card number that
    is unknown, revoked or not connected to the organisation, so the answer reveals nothing."""
    require(actor, Capability.ATTENDANCE_RECORD)
    token = normalise_card_number(card_number)
    card = (
        AttendanceCard.objects.active()
        .filter(token=token, scheme_id=actor.organisation.scheme_id)
        .select_related("person")
        .first()
    )
    if card is None:
        return CheckIn(card=None)
    connections = list(
        Connection.objects.visible_to(actor)
        .attendable()
        .filter(person_id=card.person_id, service__provider_id=actor.organisation_id)
        .select_related("service", "person")
        .order_by("service__name", "pk")
    )
    if not connections:
        return CheckIn(card=None)
    return CheckIn(card=card, connections=connections)


def card_check_in(
    *, actor: Membership, card_number: str, connection_pk: int | None = None, status: str = AttendanceStatus.ATTENDED
) -> Attendance | None:
    """Record today's attendance from a card against the person's connection to the actor's organisation;
    None (and nothing written) when the card leads to no such connection."""
    found = card_lookup(actor=actor, card_number=card_number)
    if not found.found:
        return None
    if connection_pk is None:
        if len(found.connections) != 1:
            return None
        connection = found.connections[0]
    else:
        matching = [c for c in found.connections if c.pk == connection_pk]
        if not matching:
            return None
        connection = matching[0]
    return attendance_record(
        actor=actor,
        connection=connection,
        session_date=timezone.localdate(),
        status=status,
        method=AttendanceMethod.CARD,
    )


@dataclass
class ReminderRun:
    reminders: int = 0
    escalations: int = 0


def _send_notice(
    *, connection: Connection, kind: NoticeKind, today: dt.date, waited: int, recipient: str
) -> ConnectionNotice | None:
    try:
        with transaction.atomic():
            notice = ConnectionNotice.objects.create(
                connection=connection, kind=kind, sent_on=today, recipient=recipient, working_days_waited=waited
            )
            if kind == NoticeKind.REMINDER:
                Connection.objects.filter(pk=connection.pk).update(reminder_count=connection.reminder_count + 1)
            else:
                Connection.objects.filter(pk=connection.pk).update(escalated_at=timezone.now())
            audit_record(
                actor=None,
                scheme=connection.scheme,
                action=AuditAction.UPDATE,
                obj=connection,
                person_id=connection.person_id,
                summary=f"{notice.get_kind_display()} after {waited} working days without an answer",
            )
    except IntegrityError:
        return None  # already sent today by another run
    return notice


def connection_reminders_run(*, today: dt.date | None = None) -> ReminderRun:
    """Remind providers who have not answered a sent connection within half the scheme's response time, and
    escalate to the link worker when the whole response time has passed. Safe to run any number of times."""
    today = today or timezone.localdate()
    run = ReminderRun()
    waiting = (
        Connection.objects.awaiting_response()
        .filter(sent_at__isnull=False)
        .select_related("scheme", "service__provider", "referral__assigned_to__user")
    )
    for connection in waiting:
        assert connection.sent_at is not None
        limit = connection.scheme.provider_response_working_days
        waited = working_days_between(timezone.localdate(connection.sent_at), today)
        kinds_sent = set(connection.notices.values_list("kind", flat=True))
        if waited >= limit and NoticeKind.ESCALATION not in kinds_sent:
            link_worker = connection.referral.assigned_to
            recipient = link_worker.user.email if link_worker is not None else ""
            if _send_notice(
                connection=connection, kind=NoticeKind.ESCALATION, today=today, waited=waited, recipient=recipient
            ):
                run.escalations += 1
                if recipient:
                    _send_mail_quietly(
                        subject="Linkwell: a provider has not answered a connection",
                        message=(
                            f"{connection.service.name} has not answered connection {connection.pk} after {waited} "
                            "working days. Please follow it up in Linkwell."
                        ),
                        from_email=settings.DEFAULT_FROM_EMAIL,
                        recipient_list=[recipient],
                    )
        elif waited >= (limit + 1) // 2 and NoticeKind.REMINDER not in kinds_sent and waited < limit:
            provider = connection.service.provider
            recipient = (provider.email if provider is not None else "") or connection.service.email
            if _send_notice(
                connection=connection, kind=NoticeKind.REMINDER, today=today, waited=waited, recipient=recipient
            ):
                run.reminders += 1
                if recipient:
                    _send_mail_quietly(
                        subject="Linkwell: a connection is waiting for your answer",
                        message=(
                            f"A connection to {connection.service.name} was sent {waited} working days ago and is "
                            "still waiting for your answer. Please sign in to Linkwell to respond."
                        ),
                        from_email=settings.DEFAULT_FROM_EMAIL,
                        recipient_list=[recipient],
                    )
    return run


class ReferralNotReadyToClose(ConnectionNotPossible):
    """Connections are still open; each must be ended first."""


def referral_close_with_connections(
    *, actor: Membership, referral: Referral, reason: ClosureReason | str, note: str = ""
) -> Referral:
    """Close the referral once every connection has ended; the message back to the referrer follows from it."""
    require(actor, Capability.CONNECTION_PROPOSE)
    with transaction.atomic():
        if referral.connections.filter(status__in=OPEN).exists():
            raise ReferralNotReadyToClose("End every open connection before closing the referral")
        return referral_lifecycle.referral_close(actor=actor, referral=referral, reason=reason, note=note)
