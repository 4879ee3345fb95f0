"""Casework on a referral: contacts and contact attempts, "what matters to me" assessments, goals and progress.

Rows are never deleted: an assessment is replaced by a newer version, a goal ends with an outcome.
Views reach these rows only through a referral obtained from `linkwell.casework.policies`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from linkwell.accounts.models import Membership, Organisation
from linkwell.accounts.policies import Capability, can
from linkwell.people.models import Person
from linkwell.referrals.models import Need, Referral

MAX_CONTACT_MINUTES = 480


class ContactKind(models.TextChoices):
    PHONE = "phone", "Phone call"
    FACE_TO_FACE = "face_to_face", "Face to face"
    HOME_VISIT = "home_visit", "Home visit"
    VIDEO = "video", "Video call"
    MESSAGE = "message", "Message (text, email or letter)"


class ContactDirection(models.TextChoices):
    OUTGOING = "outgoing", "We contacted them"
    INCOMING = "incoming", "They contacted us"


class GoalStatus(models.TextChoices):
    OPEN = "open", "Open"
    ENDED = "ended", "Ended"


class GoalOutcome(models.TextChoices):
    ACHIEVED = "achieved", "Achieved"
    PARTLY_ACHIEVED = "partly_achieved", "Partly achieved"
    NOT_ACHIEVED = "not_achieved", "Not achieved"


class NeverDeleted(models.Model):
    class Meta:
        abstract = True

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Casework records are never deleted")


class CaseworkQuerySet(models.QuerySet[Any]):
    def visible_to(self, membership: Membership | None) -> Any:
        """Rows on referrals the membership may see, for roles that may read casework."""
        if membership is None or not can(membership, Capability.CASEWORK_VIEW):
            return self.none()
        return self.filter(referral__in=Referral.objects.visible_to(membership).values("pk"))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Casework records are never deleted")


class Contact(NeverDeleted):
    """One interaction with the person, or one attempt to reach them that failed."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="contacts")
    # Denormalised so a person's whole history can be read without walking every referral.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=ContactKind.choices)
    direction = models.CharField(max_length=10, choices=ContactDirection.choices, default=ContactDirection.OUTGOING)
    successful = models.BooleanField()
    occurred_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(MAX_CONTACT_MINUTES)]
    )
    notes = models.TextField(max_length=4000, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    creation_key = models.UUIDField(null=True, blank=True, unique=True)

    objects = CaseworkQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ContactKind.values), name="contact_kind_known"),
            models.CheckConstraint(
                condition=Q(successful=False) | Q(duration_minutes__isnull=False),
                name="contact_successful_has_duration",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__lte=MAX_CONTACT_MINUTES),
                name="contact_duration_at_most_8_hours",
            ),
        ]
        indexes = [models.Index(fields=["referral", "successful", "occurred_at"], name="contact_by_referral")]

    def __str__(self) -> str:
        outcome = "contact" if self.successful else "attempt"
        return f"{self.get_kind_display()} {outcome} on {self.occurred_at:%Y-%m-%d}"


class Assessment(NeverDeleted):
    """One version of the "what matters to me" conversation; the highest version is the current one."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="assessments")
    version = models.PositiveIntegerField()
    what_matters = models.TextField(max_length=4000)
    strengths = models.TextField(max_length=4000, blank=True)
    needs = models.JSONField(default=list, blank=True)
    barriers = models.TextField(max_length=4000, blank=True)
    notes = models.TextField(max_length=4000, blank=True)
    assessed_at = models.DateTimeField(default=timezone.now)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    creation_key = models.UUIDField(null=True, blank=True, unique=True)

    objects = CaseworkQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "version"], name="assessment_one_row_per_version"),
        ]

    def __str__(self) -> str:
        return f"Assessment v{self.version} of referral {self.referral_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Assessments are not changed: record a new version")
        super().save(*args, **kwargs)

    @property
    def need_labels(self) -> list[str]:
        labels = dict(Need.choices)
        return [str(labels.get(code, code)) for code in self.needs]


class Goal(NeverDeleted):
    """Something the person wants to achieve; it ends as achieved, partly achieved or not achieved."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="goals")
    description = models.TextField(max_length=1000)
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    outcome = models.CharField(max_length=20, choices=GoalOutcome.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_note = models.TextField(max_length=2000, blank=True)
    creation_key = models.UUIDField(null=True, blank=True, unique=True)

    objects = CaseworkQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status=GoalStatus.OPEN) & Q(outcome="") & Q(ended_at__isnull=True))
                | (Q(status=GoalStatus.ENDED) & Q(outcome__in=GoalOutcome.values) & Q(ended_at__isnull=False)),
                name="goal_outcome_only_when_ended",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_open(self) -> bool:
        return self.status == GoalStatus.OPEN

    @property
    def outcome_colour(self) -> str:
        return (
            {
                GoalOutcome.ACHIEVED: "green",
                GoalOutcome.PARTLY_ACHIEVED: "yellow",
                GoalOutcome.NOT_ACHIEVED: "grey",
            }.get(GoalOutcome(self.outcome), "blue")
            if self.outcome
            else "blue"
        )


class GoalProgress(NeverDeleted):
    """A note on how a goal is going, with a 0–10 score (0 = not started, 10 = done)."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="progress")
    note = models.TextField(max_length=2000)
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(0), MaxValueValidator(10)])
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    creation_key = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name_plural = "goal progress"
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=10), name="goal_progress_score_0_to_10"),
        ]

    def __str__(self) -> str:
        return f"{self.score}/10: {self.note[:40]}"
