"""Schemes (tenants), organisations, users, memberships (user × organisation × role), networks of schemes and
the audit log."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class Scheme(models.Model):
    """A local social prescribing service with its own configuration; almost every row belongs to one."""

    slug = models.SlugField(unique=True, max_length=50)
    name = models.CharField(max_length=200)
    area_description = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Configuration a scheme manager sets (DESIGN.md §1).
    default_prescription_weeks = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(104)]
    )
    provider_response_working_days = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    contact_attempts_limit = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    contact_attempts_window_days = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    listing_verify_months = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    provider_edits_need_moderation = models.BooleanField(default=False)
    allow_direct_booking = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    GP_PRACTICE = "gp_practice", "GP practice"
    PHARMACY = "pharmacy", "Pharmacy"
    COUNCIL_TEAM = "council_team", "Council team"
    NHS_TEAM = "nhs_team", "NHS team"
    VOLUNTARY_PROVIDER = "voluntary_provider", "Voluntary or community provider"
    LINK_WORKER_SERVICE = "link_worker_service", "Link worker service"
    NETWORK = "network", "Network or regional body (across schemes)"


# ODS codes: GP practices are a letter and five digits (A81001); pharmacies F + 4 alphanumerics (FA123);
# other NHS and council organisations use 3–6 character codes. We check shape, not existence.
ODS_CODE_RE = re.compile(r"^[A-Z0-9]{3,6}$|^[A-Z0-9]{3,5}-[A-Z0-9]{1,5}$")
GP_ODS_RE = re.compile(r"^[A-Z]\d{5}$")


def validate_ods_code(value: str) -> None:
    if not ODS_CODE_RE.match(value):
        raise ValidationError("Enter an ODS code of 3 to 6 letters and numbers, like A81001", code="invalid_ods")


class Organisation(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="organisations")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=OrganisationKind.choices)
    ods_code = models.CharField(max_length=12, blank=True, validators=[validate_ods_code])
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "name"], name="organisation_unique_name_in_scheme"),
            models.UniqueConstraint(
                fields=["ods_code"], condition=~Q(ods_code=""), name="organisation_unique_ods_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == OrganisationKind.GP_PRACTICE and self.ods_code and not GP_ODS_RE.match(self.ods_code):
            raise ValidationError({"ods_code": "A GP practice's ODS code is a letter and 5 numbers, like A81001"})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in. Email is the login; what they may do comes from their memberships."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    job_title = models.CharField(max_length=120, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email


class Role(models.TextChoices):
    REFERRER = "referrer", "Referrer"
    LINK_WORKER = "link_worker", "Link worker"
    PROVIDER = "provider", "Provider"
    VOLUNTEER = "volunteer", "Volunteer"
    SCHEME_MANAGER = "scheme_manager", "Scheme manager"
    ADMIN = "admin", "Administrator"
    # Sees one thing: the suppressed headline figures of the schemes in the networks its organisation hosts.
    NETWORK = "network", "Network viewer"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True, organisation__is_active=True, organisation__scheme__is_active=True)


class Membership(models.Model):
    """What a user does for one organisation: the identity every access decision is made for."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} at {self.organisation.name}"

    @property
    def scheme(self) -> Scheme:
        return self.organisation.scheme

    @property
    def scheme_id(self) -> int:
        return self.organisation.scheme_id


class Network(models.Model):
    """Schemes that compare their headline figures side by side, such as a regional institute's test beds.

    Members with the network role at the host organisation, and the member schemes' managers, see suppressed
    aggregates of every active scheme in it — never a record, and nothing else of any scheme.
    """

    slug = models.SlugField(unique=True, max_length=50)
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=300, blank=True)
    host = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_networks",
        help_text="The organisation whose members with the network role see this network.",
    )
    schemes = models.ManyToManyField(Scheme, related_name="networks", blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.host is not None and self.host.kind != OrganisationKind.NETWORK:
            raise ValidationError({"host": "A network is hosted by an organisation of the kind 'network'"})


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    SEARCH = "search", "Searched"
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    WITHDRAW = "withdraw", "Withdrew"
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    LOGOUT = "logout", "Signed out"
    SWITCH = "switch", "Switched organisation"
    EXPORT = "export", "Exported"


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only")


class AuditEvent(models.Model):
    """One append-only row per read of a person's record and per change. Written by services, never signals."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=254, blank=True)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, blank=True)
    scheme = models.ForeignKey(Scheme, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # The person whose record this touches, kept as a plain id: accounts sits below people.
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["scheme", "-at"], name="audit_scheme_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only")
