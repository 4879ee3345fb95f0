"""The community directory, shaped like Open Referral HSDS 3.0 / ORUK 3.0 plus Linkwell's own fields.

Top-level rows (Organization, Service, Location, ServiceAtLocation, Taxonomy, TaxonomyTerm) carry the
scheme and the HSDS `id` as `hsds_id`, unique within a scheme, so a feed re-imports in place and the same
feed can live in two schemes (docs/adr/0010-directory-model.md). Leaf rows (phones, schedules, addresses,
…) belong to a scheme through their parent and keep their HSDS id for round trips.
Directory data is public: none of it is personal data.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from linkwell.accounts.models import Organisation, Scheme
from linkwell.accounts.policies import Capability, can

if TYPE_CHECKING:
    from collections.abc import Iterable

    from linkwell.accounts.models import Membership

# Past this many months without verification a listing is flagged and drops out of matching, whatever the
# scheme's (shorter) prompting period.
STALE_AFTER_MONTHS = 12


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same wall-clock moment `months` calendar months earlier (day clipped to the month's length)."""
    month_index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - dt.timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


class ScopedQuerySet[M: models.Model](models.QuerySet[M]):
    def for_scheme(self, scheme: Scheme | int) -> Self:
        scheme_id = scheme.pk if isinstance(scheme, Scheme) else scheme
        return self.filter(scheme_id=scheme_id)


class LeafRow(models.Model):
    """A row that belongs to its parent (and through it to a scheme), keeping its HSDS id for round trips."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {getattr(self, 'hsds_id', self.pk)}"


# ---------------------------------------------------------------------------------------------- taxonomy


class TermKind(models.TextChoices):
    """What a term is for in Linkwell; imported terms are `other` unless they map to Linkwell's own."""

    FIVE_WAYS = "five_ways", "Five ways to wellbeing"
    CATEGORY = "category", "Category"
    NEED = "need", "Need"
    OTHER = "other", "Other"


class TaxonomyQuerySet(models.QuerySet["Taxonomy"]):
    def available_to(self, scheme: Scheme | int) -> TaxonomyQuerySet:
        """Linkwell's shared taxonomies and the scheme's own imported ones."""
        scheme_id = scheme.pk if isinstance(scheme, Scheme) else scheme
        return self.filter(Q(scheme__isnull=True) | Q(scheme_id=scheme_id))


class Taxonomy(models.Model):
    """A vocabulary of terms. scheme=None means one of Linkwell's own, shared by every scheme."""

    scheme = models.ForeignKey(
        Scheme, null=True, blank=True, on_delete=models.PROTECT, related_name="directory_taxonomies"
    )
    hsds_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    uri = models.URLField(max_length=500, blank=True)
    version = models.CharField(max_length=50, blank=True)

    objects = TaxonomyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "taxonomies"
        constraints = [
            models.UniqueConstraint(fields=["scheme", "hsds_id"], name="taxonomy_unique_hsds_id"),
            models.UniqueConstraint(
                fields=["hsds_id"], condition=Q(scheme__isnull=True), name="taxonomy_unique_shared_hsds_id"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TaxonomyTermQuerySet(models.QuerySet["TaxonomyTerm"]):
    def available_to(self, scheme: Scheme | int) -> TaxonomyTermQuerySet:
        """Linkwell's shared terms and the scheme's own imported ones."""
        scheme_id = scheme.pk if isinstance(scheme, Scheme) else scheme
        return self.filter(Q(scheme__isnull=True) | Q(scheme_id=scheme_id))

    def linkwell(self, kind: TermKind | str | None = None) -> TaxonomyTermQuerySet:
        """Linkwell's own seeded terms (optionally of one kind), for matching and search facets."""
        terms = self.filter(scheme__isnull=True).exclude(kind=TermKind.OTHER)
        return terms.filter(kind=kind) if kind else terms


class TaxonomyTerm(models.Model):
    """One term; `code` is HSDS `term` (a stable machine code, e.g. `physical_activity`)."""

    scheme = models.ForeignKey(
        Scheme, null=True, blank=True, on_delete=models.PROTECT, related_name="directory_taxonomy_terms"
    )
    hsds_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    taxonomy = models.ForeignKey(Taxonomy, null=True, blank=True, on_delete=models.PROTECT, related_name="terms")
    # HSDS `taxonomy`: the vocabulary's name when the term is not linked to a Taxonomy row.
    taxonomy_label = models.CharField(max_length=200, blank=True)
    code = models.CharField(max_length=200, blank=True, db_index=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    # HSDS `parent_id` when the parent term is not in this database; kept so exports round-trip.
    parent_hsds_id = models.UUIDField(null=True, blank=True)
    term_uri = models.URLField(max_length=500, blank=True)
    language = models.CharField(max_length=20, blank=True)
    kind = models.CharField(max_length=20, choices=TermKind.choices, default=TermKind.OTHER, db_index=True)

    objects = TaxonomyTermQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "hsds_id"], name="taxonomy_term_unique_hsds_id"),
            models.UniqueConstraint(
                fields=["hsds_id"], condition=Q(scheme__isnull=True), name="taxonomy_term_unique_shared_hsds_id"
            ),
        ]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------------------------------------- organization


class Organization(models.Model):
    """HSDS organization: who runs services. Optionally the Linkwell organisation that keeps it up to date."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="directory_organizations")
    hsds_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    name = models.CharField(max_length=300)
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    email = models.EmailField(max_length=254, blank=True)
    website = models.URLField(max_length=500, blank=True)
    logo = models.CharField(max_length=500, blank=True)
    uri = models.URLField(max_length=500, blank=True)
    year_incorporated = models.PositiveSmallIntegerField(null=True, blank=True)
    legal_status = models.CharField(max_length=200, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    parent_hsds_id = models.UUIDField(null=True, blank=True)
    linkwell_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="directory_organizations"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "hsds_id"], name="directory_organization_unique_hsds_id"),
        ]

    def __str__(self) -> str:
        return self.name


class OrganizationIdentifier(LeafRow):
    """A third-party identifier (charity number, company number) of an organization."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="identifiers")
    hsds_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    identifier_scheme = models.CharField(max_length=100, blank=True)
    identifier_type = models.CharField(max_length=200)
    identifier = models.CharField(max_length=200)

    class Meta:
        ordering = ["id"]


# ---------------------------------------------------------------------------------------------- service


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    DEFUNCT = "defunct", "Defunct"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"


class ServiceQuerySet(ScopedQuerySet["Service"]):
    def active(self) -> Self:
        """Services whose status is active, in an active scheme: what the public directory and API show."""
        return self.filter(status=ServiceStatus.ACTIVE, scheme__is_active=True)

    @staticmethod
    def _clock_before(moment: dt.datetime) -> Q:
        """The verification clock (last verified, or added when never verified) is earlier than `moment`."""
        return Q(last_verified_at__lt=moment) | Q(last_verified_at__isnull=True, created_at__lt=moment)

    def needs_verification(self, now: dt.datetime | None = None) -> Self:
        """Listings not verified within their scheme's `listing_verify_months`: the provider is prompted."""
        now = now or timezone.now()
        condition = Q(pk__in=[])
        for scheme_id, months in Scheme.objects.values_list("id", "listing_verify_months"):
            condition |= Q(scheme_id=scheme_id) & self._clock_before(months_before(now, months))
        return self.filter(condition)

    def stale(self, now: dt.datetime | None = None) -> Self:
        """Listings not verified for STALE_AFTER_MONTHS: flagged and left out of matching."""
        return self.filter(self._clock_before(months_before(now or timezone.now(), STALE_AFTER_MONTHS)))

    def not_stale(self, now: dt.datetime | None = None) -> Self:
        return self.exclude(self._clock_before(months_before(now or timezone.now(), STALE_AFTER_MONTHS)))

    def matchable(self, now: dt.datetime | None = None) -> Self:
        """What matching may offer: active and not stale."""
        return self.active().not_stale(now)

    def provided_by(self, organisation: Organisation | int) -> Self:
        """Services a Linkwell provider organisation keeps up to date."""
        organisation_id = organisation.pk if isinstance(organisation, Organisation) else organisation
        return self.filter(provider_id=organisation_id)

    def editable_by(self, membership: Membership | None) -> Self:
        """Listings the membership may change: its scheme's for directory managers, its own for providers."""
        if membership is None:
            return self.none()
        in_scheme = self.filter(scheme_id=membership.organisation.scheme_id)
        if can(membership, Capability.DIRECTORY_MANAGE):
            return in_scheme
        if can(membership, Capability.DIRECTORY_EDIT_OWN):
            return in_scheme.filter(provider_id=membership.organisation_id)
        return self.none()

    def with_details(self) -> Self:
        """Everything a full ORUK service object needs, in a fixed number of queries."""
        return self.select_related("organization", "scheme").prefetch_related(
            "organization__identifiers",
            "schedules",
            "service_areas",
            "languages",
            "phones",
            "cost_options",
            "contacts__phones",
            "funding",
            "attributes__taxonomy_term__taxonomy",
            "service_at_locations__location__addresses",
            "service_at_locations__location__accessibility",
            "service_at_locations__location__phones",
            "service_at_locations__location__attributes__taxonomy_term__taxonomy",
            "service_at_locations__schedules",
        )


class Service(models.Model):
    """HSDS service: what a person can be connected to, with Linkwell's capacity and verification fields."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="directory_services")
    hsds_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="services"
    )
    # The Linkwell organisation whose provider users keep this listing up to date (none for imports).
    provider = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="directory_services"
    )
    name = models.CharField(max_length=300)
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    status = models.CharField(max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE)
    interpretation_services = models.TextField(blank=True)
    application_process = models.TextField(blank=True)
    wait_time = models.CharField(max_length=300, blank=True)
    fees = models.TextField(blank=True)  # ORUK `fees`; HSDS 3.0 calls it fees_description
    fees_description = models.TextField(blank=True)
    accreditations = models.TextField(blank=True)
    licenses = models.TextField(blank=True)
    eligibility_description = models.TextField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = models.EmailField(max_length=254, blank=True)
    alert = models.TextField(blank=True)
    last_modified = models.DateTimeField(default=timezone.now, db_index=True)

    # Linkwell's own fields.
    accepts_direct_referrals = models.BooleanField(default=False)
    is_accredited = models.BooleanField(default=False)
    # HSDS 3.1 service_capacity, simplified to the two numbers a link worker needs.
    capacity_available = models.PositiveIntegerField(null=True, blank=True)
    waiting_list_length = models.PositiveIntegerField(null=True, blank=True)
    capacity_updated_at = models.DateTimeField(null=True, blank=True)
    last_verified_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "hsds_id"], name="directory_service_unique_hsds_id"),
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=models.F("maximum_age")),
                name="directory_service_age_range",
            ),
        ]
        indexes = [models.Index(fields=["scheme", "status"], name="directory_service_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def verified_clock(self) -> dt.datetime:
        return self.last_verified_at or self.created_at

    def needs_verification(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.verified_clock < months_before(now, self.scheme.listing_verify_months)

    def is_stale(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.verified_clock < months_before(now, STALE_AFTER_MONTHS)

    @property
    def is_free(self) -> bool:
        """No cost option asks for money (services with no cost options count as free)."""
        return all(not option.amount for option in self.cost_options.all())

    def terms(self) -> Iterable[TaxonomyTerm]:
        return [attribute.taxonomy_term for attribute in self.attributes.all()]


# ---------------------------------------------------------------------------------------------- location


class LocationType(models.TextChoices):
    PHYSICAL = "physical", "Physical"
    POSTAL = "postal", "Postal"
    VIRTUAL = "virtual", "Virtual"


class Location(models.Model):
    """HSDS location: a place (or a virtual place) where services are delivered."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="directory_locations")
    hsds_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="locations"
    )
    location_type = models.CharField(max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL)
    url = models.URLField(max_length=500, blank=True)
    name = models.CharField(max_length=300, blank=True)
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    transportation = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = models.CharField(max_length=200, blank=True)
    external_identifier_type = models.CharField(max_length=100, blank=True)
    # The normalised UK postcode of its physical address, when it has one, for proximity search.
    postcode = models.CharField(max_length=8, blank=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "hsds_id"], name="directory_location_unique_hsds_id"),
        ]

    def __str__(self) -> str:
        return self.name or str(self.hsds_id)


class Address(LeafRow):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    hsds_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    attention = models.CharField(max_length=200, blank=True)
    address_1 = models.CharField(max_length=300)
    address_2 = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=200)
    region = models.CharField(max_length=200, blank=True)
    state_province = models.CharField(max_length=200)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2)
    address_type = models.CharField(max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "addresses"


class Accessibility(LeafRow):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    hsds_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    description = models.TextField(blank=True)
    details = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    # ORUK keeps HSDS 2's `accessibility` text alongside `description`.
    accessibility = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "accessibility"


class ServiceAtLocationQuerySet(ScopedQuerySet["ServiceAtLocation"]):
    def active(self) -> Self:
        return self.filter(service__status=ServiceStatus.ACTIVE, service__scheme__is_active=True)


class ServiceAtLocation(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="directory_service_at_locations")
    hsds_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="service_at_locations")
    description = models.TextField(blank=True)

    objects = ServiceAtLocationQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "hsds_id"], name="directory_sal_unique_hsds_id"),
        ]

    def __str__(self) -> str:
        return f"{self.service} at {self.location}"


# ---------------------------------------------------------------------------------------------- leaf rows


class Contact(LeafRow):
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts")
    hsds_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=200, blank=True)
    email = models.EmailField(max_length=254, blank=True)

    class Meta:
        ordering = ["id"]


class Phone(LeafRow):
    """A phone number of a service, a location or a service contact."""

    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    hsds_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    number = models.CharField(max_length=50)
    extension = models.CharField(max_length=20, blank=True)
    type = models.CharField(max_length=20, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]


class Language(LeafRow):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="languages")
    hsds_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    name = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=20, blank=True)  # ISO 639
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]


class Frequency(models.TextChoices):
    WEEKLY = "WEEKLY", "Weekly"
    MONTHLY = "MONTHLY", "Monthly"


class Schedule(LeafRow):
    """When a service (or a service at one location) runs, as an iCalendar-style recurrence (HSDS 3)."""

    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    hsds_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    freq = models.CharField(max_length=10, choices=Frequency.choices, blank=True)
    interval = models.PositiveSmallIntegerField(null=True, blank=True)
    byday = models.CharField(max_length=100, blank=True)  # "MO,WE" or "2TU"
    bymonthday = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    schedule_link = models.URLField(max_length=500, blank=True)
    attending_type = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    @property
    def weekdays(self) -> list[str]:
        """Two-letter iCalendar days this schedule names, without ordinal prefixes ("2TU" → "TU")."""
        return [part.strip()[-2:].upper() for part in self.byday.split(",") if part.strip()]


class ServiceArea(LeafRow):
    """Where a phone, online or home-visit service is available."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    hsds_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    name = models.TextField(blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=30, blank=True)
    uri = models.CharField(max_length=500, blank=True)
    service_area = models.TextField(blank=True)  # ORUK's deprecated free-text field, kept for round trips

    class Meta:
        ordering = ["id"]


class CostOption(LeafRow):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    hsds_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.TextField(blank=True)
    currency = models.CharField(max_length=3, blank=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    amount_description = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]


class Funding(LeafRow):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="funding")
    hsds_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    source = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]


class Attribute(LeafRow):
    """A taxonomy term attached to a service or a location (HSDS attribute)."""

    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="attributes")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="attributes")
    hsds_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    taxonomy_term = models.ForeignKey(TaxonomyTerm, on_delete=models.PROTECT, related_name="attributes")
    link_type = models.CharField(max_length=100, blank=True)
    value = models.TextField(blank=True)
    label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=False) | Q(location__isnull=False), name="directory_attribute_linked"
            ),
        ]


# ---------------------------------------------------------------------------------------------- upkeep


class VersionSource(models.TextChoices):
    PROVIDER = "provider", "Provider edit"
    MODERATOR = "moderator", "Moderator edit"
    IMPORT = "import", "Import"
    SYSTEM = "system", "System"


class VersionStatus(models.TextChoices):
    APPLIED = "applied", "Live"
    PENDING = "pending", "Waiting for moderation"
    REJECTED = "rejected", "Rejected"


class ServiceVersion(models.Model):
    """One change to a service: who, when, what. Pending versions hold edits waiting for moderation."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=20, choices=VersionSource.choices)
    status = models.CharField(max_length=20, choices=VersionStatus.choices, default=VersionStatus.APPLIED)
    # {field: [old, new]} for an applied change; for a pending one, the proposed values {field: new}.
    changes = models.JSONField(default=dict, blank=True)
    # The ORUK service object after this version was applied (or as proposed), for history and rollback.
    snapshot = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["service", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="service_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.service} v{self.number}"


class ProblemKind(models.TextChoices):
    CLOSED = "closed", "It has closed"
    WRONG_TIMES = "wrong_times", "The days or times are wrong"
    WRONG_CONTACT = "wrong_contact", "The contact details are wrong"
    OTHER = "other", "Something else"


class ProblemStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"
    DISMISSED = "dismissed", "Dismissed"


class ProblemReportQuerySet(ScopedQuerySet["ProblemReport"]):
    def open(self) -> Self:
        return self.filter(status=ProblemStatus.OPEN)


class ProblemReport(models.Model):
    """Someone signed in says a listing is wrong; it waits in the scheme's moderation queue."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="directory_problem_reports")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="problem_reports")
    kind = models.CharField(max_length=20, choices=ProblemKind.choices)
    details = models.TextField(blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_by_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)
    # One key per submitted form, so a double-submit does not file two reports.
    creation_key = models.UUIDField(null=True, blank=True, unique=True)

    objects = ProblemReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["scheme", "status"], name="problem_report_queue")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.service}"
