"""The resident (Person) and their consent records."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from linkwell.accounts.models import Organisation, Role, Scheme
from linkwell.accounts.policies import SCHEME_WIDE_ROLES, Capability, can

from .validators import format_nhs_number

if TYPE_CHECKING:
    from linkwell.accounts.models import Membership


class Sex(models.TextChoices):
    """NHS Data Dictionary: PERSON PHENOTYPIC SEX."""

    MALE = "1", "Male"
    FEMALE = "2", "Female"
    INDETERMINATE = "9", "Indeterminate (unable to be classified as either male or female)"
    NOT_KNOWN = "X", "Not known"


class EthnicCategory(models.TextChoices):
    """NHS Data Dictionary: ETHNIC CATEGORY (2001 census categories)."""

    WHITE_BRITISH = "A", "White – British"
    WHITE_IRISH = "B", "White – Irish"
    WHITE_OTHER = "C", "White – Any other White background"
    MIXED_WHITE_BLACK_CARIBBEAN = "D", "Mixed – White and Black Caribbean"
    MIXED_WHITE_BLACK_AFRICAN = "E", "Mixed – White and Black African"
    MIXED_WHITE_ASIAN = "F", "Mixed – White and Asian"
    MIXED_OTHER = "G", "Mixed – Any other mixed background"
    ASIAN_INDIAN = "H", "Asian or Asian British – Indian"
    ASIAN_PAKISTANI = "J", "Asian or Asian British – Pakistani"
    ASIAN_BANGLADESHI = "K", "Asian or Asian British – Bangladeshi"
    ASIAN_OTHER = "L", "Asian or Asian British – Any other Asian background"
    BLACK_CARIBBEAN = "M", "Black or Black British – Caribbean"
    BLACK_AFRICAN = "N", "Black or Black British – African"
    BLACK_OTHER = "P", "Black or Black British – Any other Black background"
    CHINESE = "R", "Other ethnic groups – Chinese"
    OTHER = "S", "Other ethnic groups – Any other ethnic group"
    NOT_STATED = "Z", "Not stated"
    NOT_KNOWN = "99", "Not known"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone call"
    SMS = "sms", "Text message"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    DO_NOT_CONTACT = "do_not_contact", "Do not contact"


class LongTermCondition(models.TextChoices):
    ANXIETY = "anxiety", "Anxiety"
    ARTHRITIS = "arthritis", "Arthritis"
    ASTHMA = "asthma", "Asthma"
    CANCER = "cancer", "Cancer"
    CHRONIC_PAIN = "chronic_pain", "Chronic pain"
    COPD = "copd", "COPD"
    DEMENTIA = "dementia", "Dementia"
    DEPRESSION = "depression", "Depression"
    DIABETES = "diabetes", "Diabetes"
    HEART_DISEASE = "heart_disease", "Heart disease"
    HYPERTENSION = "hypertension", "High blood pressure"
    LEARNING_DISABILITY = "learning_disability", "Learning disability"
    SERIOUS_MENTAL_ILLNESS = "serious_mental_illness", "Serious mental illness"
    STROKE = "stroke", "Stroke"
    OTHER = "other", "Other"


# Connection statuses from "sent" on (linkwell.connections.models.SENT_OR_LATER, repeated here because
# people sits below connections and must not import it).
CONNECTION_SENT_OR_LATER = ("sent", "accepted", "waitlisted", "declined", "attending", "completed", "stopped")


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, membership: Membership | None) -> PersonQuerySet:
        """People the acting membership may reach. Link workers, scheme managers and admins: their whole scheme.
        Referrers: their practice's patients and people their organisation added or referred. Providers: people
        with a connection sent to their services while consent to share is in force. Volunteers: people they
        accompany. Providers and volunteers hold no PERSON_VIEW, so the full person pages stay closed to them;
        this scope serves their connection and assignment pages, which show only what they need."""
        if membership is None or not membership.is_active:
            return self.none()
        in_scheme = self.filter(scheme_id=membership.organisation.scheme_id)
        if membership.role == Role.VOLUNTEER:
            # Accompaniments live in linkwell.connections; lookups by relation name keep people below it.
            accompanied = Person.objects.filter(connections__accompaniments__volunteer_id=membership.pk)
            return in_scheme.filter(pk__in=accompanied.values("pk"))
        if membership.role == Role.PROVIDER:
            connected = Person.objects.filter(
                connections__service__provider_id=membership.organisation_id,
                connections__status__in=CONNECTION_SENT_OR_LATER,
            )
            # The latest consent to share with providers must be granted and not withdrawn.
            latest_share = Consent.objects.filter(
                person_id=OuterRef("pk"), scope=ConsentScope.SHARE_WITH_PROVIDERS
            ).order_by("-recorded_at", "-id")
            return (
                in_scheme.filter(pk__in=connected.values("pk"))
                .alias(
                    _share_granted=Subquery(latest_share.values("granted")[:1]),
                    _share_withdrawn_at=Subquery(latest_share.values("withdrawn_at")[:1]),
                )
                .filter(_share_granted=True, _share_withdrawn_at__isnull=True)
            )
        if not can(membership, Capability.PERSON_VIEW):
            return self.none()
        if membership.role in SCHEME_WIDE_ROLES:
            return in_scheme
        if membership.role == Role.REFERRER:
            # People the organisation referred, by the reverse relation linkwell.referrals adds (by name, so
            # people never imports referrals); a subquery avoids duplicate rows.
            referred = Person.objects.filter(referrals__referring_organisation_id=membership.organisation_id)
            return in_scheme.filter(
                Q(registered_practice_id=membership.organisation_id)
                | Q(created_by_organisation_id=membership.organisation_id)
                | Q(pk__in=referred.values("pk"))
            )
        return self.none()

    def search(self, words: str, date_of_birth: dt.date | None = None) -> PersonQuerySet:
        """Narrow by an NHS number prefix (digits) or by name words (each the start of a name), and a birth date."""
        found = self
        digits = words.replace(" ", "")
        if digits.isdigit():
            found = found.filter(nhs_number__startswith=digits)
        elif words:
            for word in words.split():
                found = found.filter(
                    Q(given_name__istartswith=word)
                    | Q(family_name__istartswith=word)
                    | Q(preferred_name__istartswith=word)
                )
        if date_of_birth is not None:
            found = found.filter(date_of_birth=date_of_birth)
        return found


class Person(models.Model):
    """A resident who is referred, self-refers or is reached by outreach."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="people")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    nhs_number = models.CharField(max_length=10, blank=True)
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    preferred_contact_method = models.CharField(
        max_length=20, choices=ContactMethod.choices, default=ContactMethod.PHONE
    )
    interpreter_needed = models.BooleanField(default=False)
    language = models.CharField(max_length=60, blank=True, default="English")
    sex = models.CharField(max_length=2, choices=Sex.choices, default=Sex.NOT_KNOWN)
    ethnic_category = models.CharField(max_length=2, choices=EthnicCategory.choices, default=EthnicCategory.NOT_KNOWN)
    long_term_conditions = models.JSONField(default=list, blank=True)
    registered_practice = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="registered_people"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # One key per submitted form, so a double-submit returns the first record instead of a duplicate.
    creation_key = models.UUIDField(null=True, blank=True, unique=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "nhs_number"], condition=~Q(nhs_number=""), name="person_unique_nhs_number"
            ),
        ]
        indexes = [
            models.Index(fields=["scheme", "family_name", "given_name"], name="person_name"),
            models.Index(fields=["scheme", "date_of_birth"], name="person_dob"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def nhs_number_display(self) -> str:
        return format_nhs_number(self.nhs_number)

    def age_on(self, day: dt.date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    @property
    def long_term_condition_labels(self) -> list[str]:
        labels = dict(LongTermCondition.choices)
        return [labels.get(code, code) for code in self.long_term_conditions]

    def current_consents(self) -> dict[str, Consent]:
        """The latest consent record per scope, withdrawn or not."""
        latest: dict[str, Consent] = {}
        for consent in sorted(self.consents.all(), key=lambda c: (c.recorded_at, c.pk)):
            latest[consent.scope] = consent
        return latest

    def has_consent(self, scope: str) -> bool:
        consent = self.current_consents().get(scope)
        return consent is not None and consent.is_in_force


class ConsentScope(models.TextChoices):
    REFER = "refer", "Referral to social prescribing"
    SHARE_WITH_PROVIDERS = "share_with_providers", "Sharing details with providers"
    CONTACT_SMS = "contact_sms", "Contact by text message"
    CONTACT_EMAIL = "contact_email", "Contact by email"
    EVALUATION = "evaluation", "Use of data for evaluation"


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", "Verbally, in person or by phone"
    WRITTEN = "written", "In writing"
    ELECTRONIC = "electronic", "Electronically (online form)"
    VIA_REFERRER = "via_referrer", "Recorded by the referrer"


class ConsentGivenBy(models.TextChoices):
    PERSON = "person", "The person themselves"
    REPRESENTATIVE = "representative", "A legal representative (for example lasting power of attorney)"


class Consent(models.Model):
    """One consent decision for one scope. Withdrawal is recorded on the row; nothing is deleted."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    scope = models.CharField(max_length=30, choices=ConsentScope.choices)
    granted = models.BooleanField(default=True)
    method = models.CharField(max_length=20, choices=ConsentMethod.choices)
    given_by = models.CharField(max_length=20, choices=ConsentGivenBy.choices, default=ConsentGivenBy.PERSON)
    representative_name = models.CharField(max_length=200, blank=True)
    notes = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.CharField(max_length=500, blank=True)
    creation_key = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(granted=True),
                name="consent_only_granted_withdrawn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()}: {'given' if self.granted else 'refused'}"

    @property
    def is_in_force(self) -> bool:
        return self.granted and self.withdrawn_at is None
