"""The connection state machine: an allowed-transitions table and one function per transition.

proposed → sent → accepted | waitlisted | declined → attending → completed | stopped (DESIGN.md §2).
Every transition locks the row, checks the table, appends an immutable ConnectionEvent, updates the row and
writes an audit row in one transaction (docs/adr/0013-connections.md).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import AuditAction, Membership, Role
from linkwell.accounts.policies import Capability, require
from linkwell.accounts.services import audit_record

from .models import Connection, ConnectionEvent, ConnectionStatus, DeclineReason, StopReason

CS = ConnectionStatus

ALLOWED: dict[str, frozenset[str]] = {
    CS.PROPOSED: frozenset({CS.SENT, CS.STOPPED}),
    CS.SENT: frozenset({CS.ACCEPTED, CS.WAITLISTED, CS.DECLINED, CS.STOPPED}),
    CS.WAITLISTED: frozenset({CS.ACCEPTED, CS.DECLINED, CS.STOPPED}),
    CS.ACCEPTED: frozenset({CS.ATTENDING, CS.COMPLETED, CS.STOPPED}),
    CS.ATTENDING: frozenset({CS.COMPLETED, CS.STOPPED}),
    CS.DECLINED: frozenset(),
    CS.COMPLETED: frozenset(),
    CS.STOPPED: frozenset(),
}


class ConnectionTransitionNotAllowed(Exception):
    """The connection's current status does not allow this change."""

    def __init__(self, connection: Connection, from_status: str, to_status: str) -> None:
        super().__init__(
            f"A connection that is {CS(from_status).label.lower()} cannot become {CS(to_status).label.lower()}"
        )
        self.connection = connection
        self.from_status = from_status
        self.to_status = to_status


def is_allowed(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED.get(from_status, frozenset())


def _check_provider(actor: Membership, connection: Connection) -> None:
    require(actor, Capability.CONNECTION_RESPOND)
    if actor.organisation_id != connection.service.provider_id:
        raise PermissionDenied("This connection was sent to another organisation")


def _check_link_worker(actor: Membership, connection: Connection) -> None:
    require(actor, Capability.CONNECTION_PROPOSE)
    if actor.organisation.scheme_id != connection.scheme_id:
        raise PermissionDenied("This connection belongs to another scheme")


def transition(
    *,
    actor: Membership | None,
    connection: Connection,
    to_status: str,
    reason: str = "",
    note: str = "",
    on_date: dt.date | None = None,
) -> Connection:
    """Move a connection to `to_status` (the caller has checked who may); event, row and audit together."""
    with transaction.atomic():
        locked = Connection.objects.select_for_update().get(pk=connection.pk)
        from_status = locked.status
        if not is_allowed(from_status, to_status):
            raise ConnectionTransitionNotAllowed(locked, from_status, to_status)
        now = timezone.now()
        ConnectionEvent.objects.create(
            connection=locked,
            at=now,
            actor=actor.user if actor else None,
            actor_organisation=actor.organisation if actor else None,
            actor_role=actor.role if actor else "",
            actor_label=actor.user.display_name if actor else "Linkwell",
            from_status=from_status,
            to_status=to_status,
            reason=reason,
            note=note.strip(),
        )
        locked.status = to_status
        locked.status_changed_at = now
        fields = ["status", "status_changed_at"]
        if to_status == CS.SENT:
            locked.sent_at = now
            fields.append("sent_at")
        if from_status in (CS.SENT, CS.WAITLISTED) and to_status in (CS.ACCEPTED, CS.WAITLISTED, CS.DECLINED):
            locked.responded_at = now
            fields.append("responded_at")
        if to_status == CS.ACCEPTED:
            # The prescription's clock starts when the provider takes the person on.
            locked.starts_on = on_date or timezone.localdate()
            locked.ends_on = locked.derived_ends_on()
            fields += ["starts_on", "ends_on"]
        if to_status == CS.DECLINED:
            locked.decline_reason = reason
            fields.append("decline_reason")
        if to_status == CS.STOPPED:
            locked.stop_reason = reason
            fields.append("stop_reason")
        if to_status in (CS.DECLINED, CS.COMPLETED, CS.STOPPED):
            locked.ended_at = now
            fields.append("ended_at")
        locked.save(update_fields=fields)
        changes: dict[str, object] = {"status": [from_status, to_status]}
        if reason:
            changes["reason"] = reason
        audit_record(
            actor=actor,
            scheme=locked.scheme,
            action=AuditAction.UPDATE,
            obj=locked,
            person_id=locked.person_id,
            summary=f"Connection to {locked.service.name}: {CS(to_status).label.lower()}",
            changes=changes,
        )
    for name in ("status", "status_changed_at", "sent_at", "responded_at", "starts_on", "ends_on", "ended_at"):
        setattr(connection, name, getattr(locked, name))
    return locked


def connection_send(*, actor: Membership, connection: Connection, note: str = "") -> Connection:
    """Send a proposed connection to the provider (the person's consent to share is checked by the caller)."""
    _check_link_worker(actor, connection)
    return transition(actor=actor, connection=connection, to_status=CS.SENT, note=note)


def connection_accept(*, actor: Membership, connection: Connection, note: str = "") -> Connection:
    """The provider takes the person on; the prescription's length counts from today."""
    _check_provider(actor, connection)
    return transition(actor=actor, connection=connection, to_status=CS.ACCEPTED, note=note)


def connection_waitlist(*, actor: Membership, connection: Connection, note: str = "") -> Connection:
    """The provider puts the person on its waiting list."""
    _check_provider(actor, connection)
    return transition(actor=actor, connection=connection, to_status=CS.WAITLISTED, note=note)


def connection_decline(
    *, actor: Membership, connection: Connection, reason: DeclineReason | str, note: str = ""
) -> Connection:
    """The provider cannot take the person on, and says why."""
    _check_provider(actor, connection)
    if reason not in DeclineReason.values:
        raise ValueError(f"Unknown decline reason {reason!r}")
    if reason == DeclineReason.OTHER and not note.strip():
        raise ValueError("Explain the reason in the note")
    return transition(actor=actor, connection=connection, to_status=CS.DECLINED, reason=str(reason), note=note)


def connection_start_attending(*, actor: Membership, connection: Connection) -> Connection:
    """The person has come to a first session (called when attendance is first recorded)."""
    if actor.role != Role.PROVIDER:
        _check_link_worker(actor, connection)
    else:
        require(actor, Capability.ATTENDANCE_RECORD)
    return transition(actor=actor, connection=connection, to_status=CS.ATTENDING)


def connection_complete(*, actor: Membership, connection: Connection, note: str = "") -> Connection:
    """The link worker ends the connection as completed."""
    _check_link_worker(actor, connection)
    return transition(actor=actor, connection=connection, to_status=CS.COMPLETED, note=note)


def connection_stop(
    *, actor: Membership, connection: Connection, reason: StopReason | str, note: str = ""
) -> Connection:
    """The link worker ends the connection early (or withdraws it), with a reason."""
    _check_link_worker(actor, connection)
    if reason not in StopReason.values:
        raise ValueError(f"Unknown reason {reason!r}")
    if reason == StopReason.OTHER and not note.strip():
        raise ValueError("Explain the reason in the note")
    return transition(actor=actor, connection=connection, to_status=CS.STOPPED, reason=str(reason), note=note)
