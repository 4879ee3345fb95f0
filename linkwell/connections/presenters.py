"""Read-only pictures for pages: the closing "message back" to the referrer and a connection's shared details."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from linkwell.people.models import ConsentScope, ContactMethod, Person
from linkwell.referrals.models import ClosureReason, Referral, ReferralEvent
from linkwell.referrals.models import Status as ReferralStatus

from .models import Attendance, AttendanceStatus, Connection, ConnectionStatus

# SNOMED CT UK primary care codes for the GP record (STACK-NOTES.md).
SNOMED_REFERRED = ("871731000000106", "Referral to social prescribing service")
SNOMED_DECLINED = ("871711000000103", "Social prescribing declined")

TAKEN_UP = frozenset({ConnectionStatus.ATTENDING, ConnectionStatus.COMPLETED})


@dataclass
class ServiceLine:
    service: str
    provider: str
    status: str
    length: str
    offered_on: dt.date
    taken_up: bool
    attended: int
    late: int
    missed: int
    ended_reason: str


@dataclass
class SnomedCode:
    code: str
    term: str
    on: dt.date


@dataclass
class MessageBack:
    referral: Referral
    closed: bool
    closed_on: dt.date | None
    closure_reason: str
    closure_note: str
    received_on: dt.date
    services: list[ServiceLine]
    goals: list[dict[str, str]]
    codes: list[SnomedCode] = field(default_factory=list)

    @property
    def taken_up_count(self) -> int:
        return sum(1 for line in self.services if line.taken_up)


def _goals(referral: Referral) -> list[dict[str, str]]:
    # Goals live in linkwell.casework, which sits above this app in places; read them by relation name
    # and go without when casework is not installed.
    manager: Any = getattr(referral, "goals", None)
    if manager is None:
        return []
    rows = []
    for goal in manager.all():
        outcome = goal.get_outcome_display() if getattr(goal, "outcome", "") else "Still open"
        rows.append({"description": goal.description, "outcome": outcome})
    return rows


def message_back(referral: Referral) -> MessageBack:
    """What was offered, what was taken up, goals and outcome, with the SNOMED CT codes for the GP record."""
    connections = list(
        Connection.objects.filter(referral=referral).select_related("service__provider").order_by("created_at", "pk")
    )
    counts: dict[int, dict[str, int]] = {}
    for attendance in Attendance.objects.filter(connection__referral=referral).only("connection_id", "status"):
        bucket = counts.setdefault(attendance.connection_id, {})
        bucket[attendance.status] = bucket.get(attendance.status, 0) + 1
    lines = []
    for c in connections:
        tally = counts.get(c.pk, {})
        attended = tally.get(AttendanceStatus.ATTENDED, 0)
        late = tally.get(AttendanceStatus.LATE, 0)
        reason = c.get_decline_reason_display() or c.get_stop_reason_display()
        lines.append(
            ServiceLine(
                service=c.service.name,
                provider=c.service.provider.name if c.service.provider else "",
                status=c.get_status_display(),
                length=c.length_label,
                offered_on=c.created_at.date(),
                taken_up=c.status in TAKEN_UP or attended + late > 0,
                attended=attended,
                late=late,
                missed=tally.get(AttendanceStatus.DID_NOT_ATTEND, 0),
                ended_reason=str(reason),
            )
        )
    events = list(ReferralEvent.objects.filter(referral=referral).order_by("at", "id"))
    closing = next((e for e in reversed(events) if e.to_status == ReferralStatus.CLOSED), None)
    closed = referral.status == ReferralStatus.CLOSED and closing is not None
    codes = []
    accepted = next((e for e in events if e.to_status == ReferralStatus.ACCEPTED), None)
    if accepted is not None:
        codes.append(SnomedCode(*SNOMED_REFERRED, on=accepted.at.date()))
    if closed and closing is not None and closing.reason == ClosureReason.DECLINED:
        codes.append(SnomedCode(*SNOMED_DECLINED, on=closing.at.date()))
    return MessageBack(
        referral=referral,
        closed=closed,
        closed_on=closing.at.date() if closed and closing else None,
        closure_reason=closing.reason_label if closed and closing else "",
        closure_note=closing.note if closed and closing else "",
        received_on=referral.received_at.date(),
        services=lines,
        goals=_goals(referral),
        codes=codes,
    )


@dataclass
class SharedDetails:
    """Only what a provider needs to welcome the person (docs/adr/0013-connections.md)."""

    name: str
    preferred_name: str
    contact_preference: str
    phone: str
    email: str
    interpreter_needed: bool
    language: str
    why_referred: str
    consent_in_force: bool


def shared_details(connection: Connection) -> SharedDetails:
    person: Person = connection.person
    consented = person.has_consent(ConsentScope.SHARE_WITH_PROVIDERS)
    return SharedDetails(
        name=person.full_name if consented else "",
        preferred_name=person.preferred_name if consented else "",
        contact_preference=person.get_preferred_contact_method_display() if consented else "",
        phone=person.phone if consented and person.preferred_contact_method != ContactMethod.DO_NOT_CONTACT else "",
        email=person.email if consented and person.preferred_contact_method != ContactMethod.DO_NOT_CONTACT else "",
        interpreter_needed=person.interpreter_needed,
        language=person.language,
        why_referred=connection.why_referred,
        consent_in_force=consented,
    )
