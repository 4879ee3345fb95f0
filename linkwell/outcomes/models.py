"""Outcome measures as recorded: responses, self-completion links, GP appointment counts and scheme settings.

The definitions and scoring live in scoring.py (pure Python). The database stores only what a deployment or
scheme adds to them: licensed wording it loaded, and the scheme's own measures.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from linkwell.accounts.models import Membership, Organisation, Scheme
from linkwell.accounts.policies import Capability, can
from linkwell.people.models import Person
from linkwell.referrals.models import Referral


class Timepoint(models.TextChoices):
    BASELINE = "baseline", "Baseline"
    FOLLOW_UP = "follow_up", "Follow-up"
    LATER = "later", "Later"


class Method(models.TextChoices):
    WITH_LINK_WORKER = "with_link_worker", "With the link worker"
    SELF_LINK = "self_link", "By the person, from a questionnaire link"
    PHONE = "phone", "By phone"


def default_measures() -> list[str]:
    return ["swemwbs", "ucla3", "ons4"]


def new_pseudonym_secret() -> str:
    return secrets.token_hex(32)


class SchemeOutcomeSettings(models.Model):
    """A scheme's outcomes configuration: which measures, when they are taken, and the unit costs for ROI."""

    scheme = models.OneToOneField(Scheme, on_delete=models.PROTECT, related_name="outcome_settings")
    measures = models.JSONField(default=default_measures, blank=True)
    follow_up_weeks = models.PositiveSmallIntegerField(
        default=12, help_text="Weeks after the person's support starts that the follow-up measures are due"
    )
    later_timepoint_weeks = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Weeks after support starts for a later measurement (e.g. 26), or none"
    )
    gp_appointment_cost = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("42.00"))
    volunteer_hour_value = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("12.21"))
    annual_scheme_cost = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    # The key for pseudonyms in exports: stable for the scheme, never shown, different in every scheme so
    # pseudonyms cannot be joined across schemes.
    pseudonym_secret = models.CharField(max_length=64, default=new_pseudonym_secret, editable=False)

    class Meta:
        verbose_name_plural = "scheme outcome settings"
        constraints = [
            models.CheckConstraint(condition=Q(follow_up_weeks__gte=1), name="outcome_settings_follow_up_positive"),
            models.CheckConstraint(
                condition=Q(later_timepoint_weeks__isnull=True)
                | Q(later_timepoint_weeks__gt=models.F("follow_up_weeks")),
                name="outcome_settings_later_after_follow_up",
            ),
        ]

    def __str__(self) -> str:
        return f"Outcome settings for {self.scheme}"


class DefinitionKind(models.TextChoices):
    WORDING = "wording", "Wording loaded by the deployment"
    CUSTOM = "custom", "A scheme's own measure"


class MeasureDefinitionRecord(models.Model):
    """What the database adds to the built-in definitions: loaded item wording, or a scheme's own measure.

    Wording rows have no scheme (the deployment's licence covers all its schemes); custom rows belong to one.
    """

    scheme = models.ForeignKey(Scheme, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=40)
    kind = models.CharField(max_length=10, choices=DefinitionKind.choices)
    # Wording: {"items": {"1": "...", ...}, "options": {"1": "...", ...} | null}. Custom: custom_measure_from_dict.
    data = models.JSONField(default=dict)
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(scheme__isnull=True), name="measure_record_one_wording_per_code"
            ),
            models.UniqueConstraint(
                fields=["scheme", "code"], condition=Q(scheme__isnull=False), name="measure_record_unique_per_scheme"
            ),
            models.CheckConstraint(
                condition=(Q(kind=DefinitionKind.WORDING) & Q(scheme__isnull=True))
                | (Q(kind=DefinitionKind.CUSTOM) & Q(scheme__isnull=False)),
                name="measure_record_kind_matches_scheme",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.get_kind_display()})"


class MeasureResponseQuerySet(models.QuerySet["MeasureResponse"]):
    def visible_to(self, membership: Membership | None) -> MeasureResponseQuerySet:
        """Responses of the membership's scheme, for roles that may see outcomes; none otherwise."""
        if membership is None or not (
            can(membership, Capability.OUTCOMES_VIEW) or can(membership, Capability.OUTCOMES_RECORD)
        ):
            return self.none()
        return self.filter(scheme_id=membership.organisation.scheme_id)


class MeasureResponse(models.Model):
    """One completed questionnaire: the answers as given and the scores computed from them. Never deleted."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="measure_responses")
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="measure_responses"
    )
    measure = models.CharField(max_length=40)
    timepoint = models.CharField(max_length=10, choices=Timepoint.choices)
    answers = models.JSONField()
    # Score code -> value, computed by the measure's own scorer when the response is recorded.
    scores = models.JSONField()
    completed_at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=20, choices=Method.choices)
    # Empty when the person completed it themselves from a link.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    link = models.ForeignKey(
        "QuestionnaireLink", null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )
    creation_key = models.UUIDField(null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MeasureResponseQuerySet.as_manager()

    class Meta:
        ordering = ["completed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "measure", "timepoint"],
                condition=Q(referral__isnull=False),
                name="measure_response_one_per_referral_timepoint",
            ),
            models.CheckConstraint(condition=Q(timepoint__in=Timepoint.values), name="measure_response_timepoint"),
            models.CheckConstraint(condition=Q(method__in=Method.values), name="measure_response_method"),
        ]
        indexes = [
            models.Index(fields=["scheme", "measure", "timepoint", "completed_at"], name="measure_response_eval"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} at {self.timepoint} for person {self.person_id}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Measure responses are never deleted")


class QuestionnaireLinkQuerySet(models.QuerySet["QuestionnaireLink"]):
    def visible_to(self, membership: Membership | None) -> QuestionnaireLinkQuerySet:
        """Links of the membership's scheme, for roles that may see outcomes; none otherwise."""
        if membership is None or not (
            can(membership, Capability.OUTCOMES_VIEW) or can(membership, Capability.OUTCOMES_RECORD)
        ):
            return self.none()
        return self.filter(scheme_id=membership.organisation.scheme_id)


LINK_DAYS = 14


def default_link_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=LINK_DAYS)


class QuestionnaireLink(models.Model):
    """A secure, expiring, single-use link for a person to complete measures on their own phone.

    Only a hash of the token is stored: a copy of the database cannot be used to open anyone's questionnaire.
    """

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="questionnaire_links")
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="questionnaire_links"
    )
    measures = models.JSONField()
    timepoint = models.CharField(max_length=10, choices=Timepoint.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(default=default_link_expiry)
    used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = QuestionnaireLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(timepoint__in=Timepoint.values), name="questionnaire_link_timepoint"),
        ]

    def __str__(self) -> str:
        return f"Questionnaire link {self.pk} ({self.timepoint})"

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def state(self) -> str:
        if self.used_at is not None:
            return "Completed"
        if self.is_expired():
            return "Expired"
        return "Waiting"


class AppointmentCountQuerySet(models.QuerySet["AppointmentCount"]):
    def visible_to(self, membership: Membership | None) -> AppointmentCountQuerySet:
        """Counts of the membership's scheme for roles that may see outcomes; none otherwise."""
        if membership is None or not can(membership, Capability.OUTCOMES_VIEW):
            return self.none()
        return self.filter(scheme_id=membership.organisation.scheme_id)


class AppointmentCount(models.Model):
    """GP appointments in the 12 months before and the 12 months after a referral, from a practice's import."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="appointment_counts")
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="appointment_counts"
    )
    nhs_number = models.CharField(max_length=10)
    referral_date = models.DateField()
    before_12m = models.PositiveIntegerField()
    after_12m = models.PositiveIntegerField()
    imported_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=200, blank=True)

    objects = AppointmentCountQuerySet.as_manager()

    class Meta:
        ordering = ["referral_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "nhs_number", "referral_date"], name="appointment_count_one_per_referral_date"
            ),
        ]

    def __str__(self) -> str:
        return f"Appointments for person {self.person_id} around {self.referral_date}"
