"""Referrals and their immutable event history (DESIGN.md §2; docs/adr/0012-referral-state-machine.md)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from linkwell.accounts.models import Membership, Organisation, Role, Scheme
from linkwell.accounts.policies import SCHEME_WIDE_ROLES, Capability, can
from linkwell.people.models import Person

if TYPE_CHECKING:
    import datetime as dt


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Not accepted"
    CONTACTED = "contacted", "Contacted"
    UNABLE_TO_CONTACT = "unable_to_contact", "Unable to contact"
    ASSESSED = "assessed", "Assessed"
    ACTIVE = "active", "Active"
    FOLLOW_UP = "follow_up", "Follow-up"
    ON_HOLD = "on_hold", "On hold"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"


# NHS.UK tag colours, so a status reads the same on every page.
STATUS_COLOURS = {
    Status.RECEIVED: "blue",
    Status.ACCEPTED: "aqua-green",
    Status.REJECTED: "red",
    Status.CONTACTED: "aqua-green",
    Status.UNABLE_TO_CONTACT: "orange",
    Status.ASSESSED: "purple",
    Status.ACTIVE: "green",
    Status.FOLLOW_UP: "purple",
    Status.ON_HOLD: "yellow",
    Status.CLOSED: "grey",
    Status.REOPENED: "pink",
}


class ClosureReason(models.TextChoices):
    """The closed-loop vocabulary referrers know (DESIGN.md §2)."""

    COMPLETED = "completed", "Got help (completed)"
    REFERRED_ELSEWHERE = "referred_elsewhere", "Referred elsewhere"
    COULD_NOT_CONTACT = "could_not_contact", "Could not contact"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"
    NO_CAPACITY = "no_capacity", "No capacity"
    NO_LONGER_INTERESTED = "no_longer_interested", "No longer interested"
    DECLINED = "declined", "Declined"
    MOVED_AWAY = "moved_away", "Moved away"
    DIED = "died", "Died"


class RejectionReason(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", "Not eligible for social prescribing"
    OUTSIDE_AREA = "outside_area", "Lives outside the scheme's area"
    MORE_SUITABLE_SERVICE = "more_suitable_service", "Another service is more suitable"
    NEEDS_CLINICAL_CARE = "needs_clinical_care", "Needs urgent clinical or crisis care"
    DUPLICATE = "duplicate", "Duplicate of an open referral"
    NO_CONSENT = "no_consent", "The person has not agreed to the referral"
    OTHER = "other", "Another reason (explain in the note)"


class Need(models.TextChoices):
    LONELINESS = "loneliness", "Loneliness or isolation"
    LOW_MOOD = "low_mood", "Low mood, stress or anxiety"
    DEBT = "debt", "Debt or money worries"
    BENEFITS = "benefits", "Benefits"
    HOUSING = "housing", "Housing"
    EMPLOYMENT = "employment", "Employment, training or volunteering"
    PHYSICAL_INACTIVITY = "physical_inactivity", "Physical inactivity"
    WEIGHT = "weight", "Weight management"
    LONG_TERM_CONDITION = "long_term_condition", "Living with a long-term condition"
    BEREAVEMENT = "bereavement", "Bereavement"
    CARING = "caring", "Caring for someone"
    SUBSTANCE_USE = "substance_use", "Alcohol, drugs or smoking"
    FOOD = "food", "Food insecurity"
    RELATIONSHIPS = "relationships", "Family or relationships"
    DIGITAL = "digital", "Getting online"
    OTHER = "other", "Something else"


class Source(models.TextChoices):
    GP = "gp", "GP or practice staff"
    PHARMACY = "pharmacy", "Pharmacy"
    COUNCIL = "council", "Council or social worker"
    NHS_TEAM = "nhs_team", "NHS team"
    SELF = "self", "Self-referral"
    OTHER = "other", "Other"


class Channel(models.TextChoices):
    FORM = "form", "Referral form"
    SELF_FORM = "self_form", "Self-referral form"
    API = "api", "API"
    FHIR = "fhir", "FHIR"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent"


# Which source a referring organisation's kind implies.
SOURCE_FOR_ORGANISATION_KIND = {
    "gp_practice": Source.GP,
    "pharmacy": Source.PHARMACY,
    "council_team": Source.COUNCIL,
    "nhs_team": Source.NHS_TEAM,
}


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, membership: Membership | None) -> ReferralQuerySet:
        """Referrals the membership may see: its organisation's own for referrers, the whole scheme for
        link workers, managers and admins, none for providers and volunteers (they see connections)."""
        if membership is None or not can(membership, Capability.REFERRAL_VIEW):
            return self.none()
        in_scheme = self.filter(scheme_id=membership.organisation.scheme_id)
        if membership.role in SCHEME_WIDE_ROLES:
            return in_scheme
        if membership.role == Role.REFERRER:
            return in_scheme.filter(referring_organisation_id=membership.organisation_id)
        return self.none()

    def triage_queue(self) -> ReferralQuerySet:
        """Referrals waiting for a triage decision: urgent first, then oldest first."""
        urgent_first = models.Case(models.When(urgency=Urgency.URGENT, then=0), default=1)
        return self.filter(status=Status.RECEIVED).order_by(urgent_first, "received_at", "id")

    def with_derived_status(self) -> ReferralQuerySet:
        """Annotate `event_status`: the target state of each referral's latest event."""
        latest = ReferralEvent.objects.filter(referral=OuterRef("pk")).order_by("-at", "-id")
        return self.annotate(event_status=Subquery(latest.values("to_status")[:1]))


class Referral(models.Model):
    """One request for social prescribing support for one person. Never deleted; its status comes from events."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="referrals")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    source = models.CharField(max_length=20, choices=Source.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    referring_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals_made"
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referrer_name = models.CharField(max_length=200, blank=True)
    needs = models.JSONField(default=list, blank=True)
    reason_text = models.TextField(max_length=4000)
    what_matters = models.TextField(max_length=2000, blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    safeguarding_concern = models.BooleanField(default=False)
    safeguarding_details = models.TextField(max_length=2000, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    # A cache of the latest event's target state, written in the same transaction as the event
    # (docs/adr/0012-referral-state-machine.md). Only linkwell.referrals.lifecycle writes it.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    status_changed_at = models.DateTimeField(default=timezone.now)
    assigned_to = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_referrals"
    )
    # One key per submitted form or API request: a repeat returns the first referral instead of a duplicate.
    idempotency_key = models.CharField(max_length=100, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["referring_organisation", "idempotency_key"],
                condition=~Q(idempotency_key="") & Q(referring_organisation__isnull=False),
                name="referral_unique_key_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["scheme", "idempotency_key"],
                condition=~Q(idempotency_key="") & Q(referring_organisation__isnull=True),
                name="referral_unique_key_self_referral",
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="referral_status_known"),
            models.CheckConstraint(
                condition=Q(safeguarding_concern=True) | Q(safeguarding_details=""),
                name="referral_safeguarding_details_only_with_concern",
            ),
        ]
        indexes = [
            models.Index(fields=["scheme", "status", "received_at"], name="referral_queue"),
            models.Index(fields=["referring_organisation", "-received_at"], name="referral_by_organisation"),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk} ({self.get_status_display()})"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Referrals are never deleted; close them instead")

    @property
    def need_labels(self) -> list[str]:
        labels = dict(Need.choices)
        return [labels.get(code, code) for code in self.needs]

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(Status(self.status), "grey")

    @property
    def is_urgent(self) -> bool:
        return self.urgency == Urgency.URGENT

    def days_waiting(self, now: dt.datetime | None = None) -> int:
        return ((now or timezone.now()) - self.received_at).days

    def derived_status(self) -> str | None:
        """The status as the event history says it is (the source of truth for `status`)."""
        latest = self.events.order_by("-at", "-id").values_list("to_status", flat=True).first()
        return latest


class ReferralEventQuerySet(models.QuerySet["ReferralEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Referral events are immutable")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Referral events are immutable")


class ReferralEvent(models.Model):
    """One status change of a referral: who, when, from, to, why. Append-only."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField(max_length=20, blank=True)
    actor_label = models.CharField(max_length=254, blank=True)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    # A ClosureReason for closures, a RejectionReason for rejections, blank otherwise.
    reason = models.CharField(max_length=40, blank=True)
    note = models.TextField(max_length=4000, blank=True)
    assigned_to = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = ReferralEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["referral", "at"], name="referral_event_timeline")]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Referral events are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Referral events are immutable")

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(Status(self.to_status), "grey")

    @property
    def reason_label(self) -> str:
        if not self.reason:
            return ""
        choices = ClosureReason if self.to_status == Status.CLOSED else RejectionReason
        return str(dict(choices.choices).get(self.reason, self.reason))
