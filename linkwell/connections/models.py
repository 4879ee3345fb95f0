"""Connections (one prescribed service for one person), their event history, provider notices,
accompaniment, attendance and attendance cards (DESIGN.md §2; docs/adr/0013-connections.md)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from linkwell.accounts.models import Membership, Organisation, Role, Scheme
from linkwell.accounts.policies import SCHEME_WIDE_ROLES
from linkwell.directory.models import Service
from linkwell.people.models import Consent, ConsentScope, Person
from linkwell.referrals.models import Referral


class ConnectionStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    SENT = "sent", "Sent to provider"
    ACCEPTED = "accepted", "Accepted"
    WAITLISTED = "waitlisted", "On the waiting list"
    DECLINED = "declined", "Declined by provider"
    ATTENDING = "attending", "Attending"
    COMPLETED = "completed", "Completed"
    STOPPED = "stopped", "Stopped"


CS = ConnectionStatus

# Statuses a provider can see: everything from the moment the connection is sent to it.
SENT_OR_LATER = frozenset({CS.SENT, CS.ACCEPTED, CS.WAITLISTED, CS.DECLINED, CS.ATTENDING, CS.COMPLETED, CS.STOPPED})
# Statuses in which the person is taking part, so attendance can be recorded.
ATTENDABLE = frozenset({CS.ACCEPTED, CS.ATTENDING})
# Statuses in which the connection is still going on.
OPEN = frozenset({CS.PROPOSED, CS.SENT, CS.ACCEPTED, CS.WAITLISTED, CS.ATTENDING})
FINISHED = frozenset({CS.DECLINED, CS.COMPLETED, CS.STOPPED})

STATUS_COLOURS = {
    CS.PROPOSED: "grey",
    CS.SENT: "blue",
    CS.ACCEPTED: "aqua-green",
    CS.WAITLISTED: "yellow",
    CS.DECLINED: "red",
    CS.ATTENDING: "green",
    CS.COMPLETED: "white",
    CS.STOPPED: "orange",
}


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", "No places available"
    NOT_ELIGIBLE = "not_eligible", "Does not meet the service's eligibility"
    NOT_SUITABLE = "not_suitable", "The service cannot meet the person's needs"
    COULD_NOT_CONTACT = "could_not_contact", "Could not contact the person"
    PERSON_DECLINED = "person_declined", "The person said no"
    OTHER = "other", "Another reason (explain in the note)"


class StopReason(models.TextChoices):
    PERSON_STOPPED = "person_stopped", "The person stopped going"
    NOT_SUITABLE = "not_suitable", "The service did not suit the person"
    HEALTH = "health", "Health or circumstances changed"
    MOVED_AWAY = "moved_away", "Moved away"
    SERVICE_ENDED = "service_ended", "The service closed or ended"
    WITHDRAWN = "withdrawn", "Withdrawn before it started"
    OTHER = "other", "Another reason (explain in the note)"


def share_consent_filter(person_path: str = "") -> dict[str, Any]:
    """Annotations that carry each row's person's latest "share with providers" consent; filter on them with
    `SHARE_IN_FORCE`. `person_path` leads from the queried model to the person's pk ("" for Person itself)."""
    latest = Consent.objects.filter(
        person_id=OuterRef(person_path or "pk"), scope=ConsentScope.SHARE_WITH_PROVIDERS
    ).order_by("-recorded_at", "-id")
    return {
        "_share_granted": Subquery(latest.values("granted")[:1]),
        "_share_withdrawn_at": Subquery(latest.values("withdrawn_at")[:1]),
    }


SHARE_IN_FORCE = Q(_share_granted=True, _share_withdrawn_at__isnull=True)


class ConnectionQuerySet(models.QuerySet["Connection"]):
    def visible_to(self, membership: Membership | None) -> ConnectionQuerySet:
        """Connections the membership may see: the scheme's for link workers, managers and admins; for a
        provider only connections sent to its organisation's services while the person's consent to share is
        in force; for a referrer those of its organisation's referrals; none for volunteers."""
        if membership is None or not membership.is_active:
            return self.none()
        in_scheme = self.filter(scheme_id=membership.organisation.scheme_id)
        if membership.role in SCHEME_WIDE_ROLES:
            return in_scheme
        if membership.role == Role.PROVIDER:
            return (
                in_scheme.filter(service__provider_id=membership.organisation_id, status__in=SENT_OR_LATER)
                .alias(**share_consent_filter("person_id"))
                .filter(SHARE_IN_FORCE)
            )
        if membership.role == Role.REFERRER:
            return in_scheme.filter(referral__referring_organisation_id=membership.organisation_id)
        return self.none()

    def awaiting_response(self) -> ConnectionQuerySet:
        return self.filter(status=CS.SENT)

    def attendable(self) -> ConnectionQuerySet:
        return self.filter(status__in=ATTENDABLE)

    def follow_up_due(self, today: dt.date | None = None) -> ConnectionQuerySet:
        """Connections whose prescribed length has run out while still going on."""
        today = today or timezone.localdate()
        return self.filter(status__in=ATTENDABLE, ends_on__lte=today)


class Connection(models.Model):
    """One prescribed service for one person, within a referral. Status changes only via lifecycle.py."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="connections")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="connections")
    # The referral's person, kept on the row so access scopes and the attendance card need no join.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="connections")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="connections")
    status = models.CharField(max_length=20, choices=CS.choices, default=CS.PROPOSED)
    status_changed_at = models.DateTimeField(default=timezone.now)
    # Null means open-ended.
    prescription_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    # Why the link worker chose this service, in their words: shared with the provider.
    why_referred = models.TextField(max_length=2000)
    direct_booking = models.BooleanField(default=False)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=30, choices=DeclineReason.choices, blank=True)
    stop_reason = models.CharField(max_length=30, choices=StopReason.choices, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    creation_key = models.UUIDField(null=True, blank=True, unique=True)

    objects = ConnectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CS.values), name="connection_status_known"),
            models.CheckConstraint(
                condition=Q(prescription_weeks__isnull=True)
                | Q(prescription_weeks__gte=1, prescription_weeks__lte=104),
                name="connection_weeks_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(status=CS.DECLINED) | ~Q(decline_reason=""), name="connection_declined_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status=CS.STOPPED) | ~Q(stop_reason=""), name="connection_stopped_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["service", "status"], name="connection_by_service"),
            models.Index(fields=["scheme", "status", "sent_at"], name="connection_queue"),
        ]

    def __str__(self) -> str:
        return f"Connection {self.pk} to {self.service.name} ({self.get_status_display()})"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Connections are never deleted; stop them instead")

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(CS(self.status), "grey")

    @property
    def is_open_ended(self) -> bool:
        return self.prescription_weeks is None

    @property
    def length_label(self) -> str:
        if self.prescription_weeks is None:
            return "Open-ended"
        return f"{self.prescription_weeks} week{'s' if self.prescription_weeks != 1 else ''}"

    def derived_ends_on(self) -> dt.date | None:
        if self.starts_on is None or self.prescription_weeks is None:
            return None
        return self.starts_on + dt.timedelta(weeks=self.prescription_weeks)

    def follow_up_due(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status in ATTENDABLE and self.ends_on is not None and self.ends_on <= today


class ConnectionEventQuerySet(models.QuerySet["ConnectionEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Connection events are immutable")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Connection events are immutable")


class ConnectionEvent(models.Model):
    """One status change of a connection: who, when, from, to, why. Append-only."""

    connection = models.ForeignKey(Connection, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField(max_length=20, blank=True)
    actor_label = models.CharField(max_length=254, blank=True)
    from_status = models.CharField(max_length=20, choices=CS.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=CS.choices)
    reason = models.CharField(max_length=30, blank=True)
    note = models.TextField(max_length=2000, blank=True)

    objects = ConnectionEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Connection events are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Connection events are immutable")

    @property
    def reason_label(self) -> str:
        if not self.reason:
            return ""
        choices = DeclineReason if self.to_status == CS.DECLINED else StopReason
        return str(dict(choices.choices).get(self.reason, self.reason))


class NoticeKind(models.TextChoices):
    REMINDER = "reminder", "Reminder to the provider"
    ESCALATION = "escalation", "Escalated to the link worker"


class ConnectionNotice(models.Model):
    """A reminder or escalation sent because a provider has not answered; at most one of a kind a day."""

    connection = models.ForeignKey(Connection, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    sent_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipient = models.EmailField(blank=True)
    working_days_waited = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "kind", "sent_on"], name="connection_notice_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.sent_on}"


class AccompanimentStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    DONE = "done", "Done"
    NOT_DONE = "not_done", "Did not happen"


class AccompanimentQuerySet(models.QuerySet["Accompaniment"]):
    def visible_to(self, membership: Membership | None) -> AccompanimentQuerySet:
        """The scheme's for link workers, managers and admins; a volunteer's own assignments; none otherwise."""
        if membership is None or not membership.is_active:
            return self.none()
        in_scheme = self.filter(connection__scheme_id=membership.organisation.scheme_id)
        if membership.role in SCHEME_WIDE_ROLES:
            return in_scheme
        if membership.role == Role.VOLUNTEER:
            return in_scheme.filter(volunteer=membership)
        return self.none()


class Accompaniment(models.Model):
    """A volunteer or peer supporter going with the person to their first session."""

    connection = models.ForeignKey(Connection, on_delete=models.PROTECT, related_name="accompaniments")
    volunteer = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="accompaniments")
    session_date = models.DateField()
    arrangements = models.TextField(max_length=1000, blank=True)
    status = models.CharField(max_length=20, choices=AccompanimentStatus.choices, default=AccompanimentStatus.PLANNED)
    outcome_note = models.TextField(max_length=1000, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    creation_key = models.UUIDField(null=True, blank=True, unique=True)

    objects = AccompanimentQuerySet.as_manager()

    class Meta:
        ordering = ["session_date", "id"]

    def __str__(self) -> str:
        return f"Accompaniment on {self.session_date} ({self.get_status_display()})"


class AttendanceStatus(models.TextChoices):
    ATTENDED = "attended", "Attended"
    LATE = "late", "Late"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"


class AttendanceMethod(models.TextChoices):
    REGISTER = "register", "Register"
    CARD = "card", "Attendance card"


class AttendanceQuerySet(models.QuerySet["Attendance"]):
    def visible_to(self, membership: Membership | None) -> AttendanceQuerySet:
        """Attendance of the connections the membership may see."""
        return self.filter(connection__in=Connection.objects.visible_to(membership).values("pk"))


class Attendance(models.Model):
    """One session of one connection: attended, late or did not attend."""

    connection = models.ForeignKey(Connection, on_delete=models.PROTECT, related_name="attendances")
    session_date = models.DateField()
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices)
    method = models.CharField(max_length=20, choices=AttendanceMethod.choices, default=AttendanceMethod.REGISTER)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["session_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "session_date"], name="attendance_once_per_session"),
            models.CheckConstraint(condition=Q(status__in=AttendanceStatus.values), name="attendance_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.session_date}: {self.get_status_display()}"

    @property
    def counts_as_present(self) -> bool:
        return self.status in (AttendanceStatus.ATTENDED, AttendanceStatus.LATE)


# RFC 4648 base32 letters: no 0, 1, 8 or 9, so a card number read aloud is hard to mistype.
CARD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
CARD_LENGTH = 10


def new_card_token() -> str:
    """A random card number (50 bits); nothing about the person can be read from it."""
    return "".join(secrets.choice(CARD_ALPHABET) for _ in range(CARD_LENGTH))


def normalise_card_number(value: str) -> str:
    """What someone typed or scanned, as a bare card number: spaces and hyphens dropped, 0 read as O, 1 as I."""
    cleaned = "".join(ch for ch in value.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans("018", "OIB"))


class AttendanceCardQuerySet(models.QuerySet["AttendanceCard"]):
    def visible_to(self, membership: Membership | None) -> AttendanceCardQuerySet:
        """Cards of the scheme's people, for the link workers, managers and admins who issue and print them."""
        if membership is None or not membership.is_active or membership.role not in SCHEME_WIDE_ROLES:
            return self.none()
        return self.filter(scheme_id=membership.organisation.scheme_id)

    def active(self) -> AttendanceCardQuerySet:
        return self.filter(is_active=True)


class AttendanceCard(models.Model):
    """A printable card with a QR code; its number is random and reveals nothing about the person."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendance_cards")
    token = models.CharField(max_length=CARD_LENGTH, unique=True, default=new_card_token)
    is_active = models.BooleanField(default=True)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = AttendanceCardQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(is_active=True), name="attendance_card_one_active_per_person"
            ),
            models.CheckConstraint(
                condition=Q(is_active=True) | Q(revoked_at__isnull=False), name="attendance_card_revoked_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"Attendance card {self.display_number}"

    @property
    def display_number(self) -> str:
        return f"{self.token[:5]}-{self.token[5:]}"
