"""Load Open Referral JSON or an HSDS CSV data package into one scheme's directory.

Parsing happens before anything is written, so a file that cannot be read changes nothing. Records are then
written in one transaction, each in its own savepoint: a bad record is rolled back and reported with its id
and reason while the good ones stay. Rows are matched on their HSDS id within the scheme, so importing the
same file again updates in place.
"""

from __future__ import annotations

import csv
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, models, transaction
from django.utils import timezone

from linkwell.accounts.models import AuditAction, Scheme
from linkwell.accounts.services import audit_record
from linkwell.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    Organization,
    OrganizationIdentifier,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceVersion,
    Taxonomy,
    TaxonomyTerm,
    VersionSource,
    VersionStatus,
)
from linkwell.places.postcodes import postcode_shape

from .mapping import (
    ACCESSIBILITY_FIELDS,
    ADDRESS_FIELDS,
    ATTRIBUTE_FIELDS,
    CONTACT_FIELDS,
    COST_OPTION_FIELDS,
    FUNDING_FIELDS,
    IDENTIFIER_FIELDS,
    LANGUAGE_FIELDS,
    LOCATION_FIELDS,
    ORGANIZATION_FIELDS,
    PHONE_FIELDS,
    SAL_FIELDS,
    SCHEDULE_FIELDS,
    SERVICE_AREA_FIELDS,
    SERVICE_FIELDS,
    TABLE_ALIASES,
    TABLES,
    TAXONOMY_FIELDS,
    TERM_FIELDS,
    Feed,
    MappingError,
    feed_from_json,
    feed_from_tables,
    leaf_uuid,
    parse_uuid,
    read_fields,
)


class FeedUnreadable(Exception):
    """The file or package cannot be parsed at all; nothing was imported."""


@dataclass
class Problem:
    kind: str
    id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.kind} {self.id or '(no id)'}: {self.reason}"


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def count(self, kind: str, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def imported(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())

    def summary(self) -> str:
        parts = [
            f"{kind}: {self.created.get(kind, 0)} new, {self.updated.get(kind, 0)} updated"
            for kind in sorted(set(self.created) | set(self.updated))
        ]
        text = "; ".join(parts) or "nothing imported"
        if self.problems:
            text += f"; {len(self.problems)} record(s) rejected"
        return text


# ---------------------------------------------------------------------------------------------- reading


def read_feed(path: Path) -> Feed:
    """Parse a JSON file, or an HSDS CSV data package (a folder, or its datapackage.json)."""
    if path.is_dir() or path.name == "datapackage.json":
        return read_package(path if path.is_dir() else path.parent)
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise FeedUnreadable(f"{path} does not exist") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FeedUnreadable(f"{path} is not valid JSON: {error}") from None
    try:
        return feed_from_json(document)
    except MappingError as error:
        raise FeedUnreadable(f"{path}: {error}") from None


def _package_paths(folder: Path) -> dict[str, Path]:
    """Resource name → CSV file, from datapackage.json when it is usable, else from the usual file names."""
    paths: dict[str, Path] = {}
    descriptor = folder / "datapackage.json"
    if descriptor.is_file():
        try:
            package = json.loads(descriptor.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            package = None  # some published packages ship a broken descriptor; fall back to file names
        if isinstance(package, dict):
            for resource in package.get("resources") or []:
                if isinstance(resource, dict) and resource.get("name") in TABLES and resource.get("path"):
                    candidate = (folder / str(resource["path"])).resolve()
                    if candidate.is_file() and folder.resolve() in candidate.parents:
                        paths[resource["name"]] = candidate
    for name, (filename, _) in TABLES.items():
        if name in paths:
            continue
        for option in (filename, *TABLE_ALIASES.get(name, ())):
            if (folder / option).is_file():
                paths[name] = folder / option
                break
    return paths


def read_package(folder: Path) -> Feed:
    if not folder.is_dir():
        raise FeedUnreadable(f"{folder} is not a folder")
    paths = _package_paths(folder)
    if "service" not in paths and "taxonomy_term" not in paths and "organization" not in paths:
        raise FeedUnreadable(f"{folder} has no services.csv, organizations.csv or taxonomy_terms.csv")
    tables: dict[str, list[dict[str, Any]]] = {}
    for name, path in paths.items():
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                if reader.fieldnames is None or "id" not in reader.fieldnames:
                    raise FeedUnreadable(f"{path.name} has no id column")
                tables[name] = list(reader)
        except (UnicodeDecodeError, csv.Error) as error:
            raise FeedUnreadable(f"{path.name} cannot be read as CSV: {error}") from None
    return feed_from_tables(tables)


# ---------------------------------------------------------------------------------------------- writing


def _require(data: Mapping[str, Any], *keys: str) -> None:
    missing = [key for key in keys if key not in data]
    if missing:
        raise MappingError(f"missing required {', '.join(missing)}")


def _check_email(data: Mapping[str, Any], key: str) -> None:
    if key in data:
        try:
            validate_email(str(data[key]))
        except ValidationError:
            raise MappingError(f"{key}: {data[key]!r} is not an email address") from None


def _fit(instance: models.Model) -> None:
    """Reject text longer than its column here, so SQLite and PostgreSQL treat a record the same way."""
    for model_field in instance._meta.concrete_fields:
        limit = getattr(model_field, "max_length", None)
        value = getattr(instance, model_field.attname)
        if limit and isinstance(value, str) and len(value) > limit:
            raise MappingError(f"{model_field.name}: longer than {limit} characters")


def _save(instance: models.Model) -> None:
    _fit(instance)
    instance.save()


class _Importer:
    def __init__(self, scheme: Scheme, report: ImportReport) -> None:
        self.scheme = scheme
        self.report = report

    # -------------------------------------------------------------- taxonomy

    def taxonomy(self, data: Mapping[str, Any]) -> Taxonomy:
        _require(data, "id", "name")
        hsds_id = parse_uuid(data["id"])
        shared = Taxonomy.objects.filter(scheme__isnull=True, hsds_id=hsds_id).first()
        if shared is not None:
            return shared  # Linkwell's own vocabulary is never overwritten by a feed
        taxonomy = Taxonomy.objects.filter(scheme=self.scheme, hsds_id=hsds_id).first()
        created = taxonomy is None
        taxonomy = taxonomy or Taxonomy(scheme=self.scheme, hsds_id=hsds_id)
        for name, value in read_fields(data, TAXONOMY_FIELDS).items():
            setattr(taxonomy, name, value)
        _save(taxonomy)
        self.report.count("taxonomies", created)
        return taxonomy

    def _taxonomy_for(self, taxonomy_id: Any, label: str) -> Taxonomy:
        hsds_id = parse_uuid(taxonomy_id, "taxonomy_id")
        found = Taxonomy.objects.available_to(self.scheme).filter(hsds_id=hsds_id).order_by("scheme_id").first()
        if found is not None:
            return found
        return self.taxonomy({"id": str(hsds_id), "name": label or "Imported taxonomy"})

    def term(self, data: Mapping[str, Any]) -> TaxonomyTerm:
        _require(data, "id")
        hsds_id = parse_uuid(data["id"], "taxonomy_term.id")
        shared = TaxonomyTerm.objects.filter(scheme__isnull=True, hsds_id=hsds_id).first()
        if shared is not None:
            return shared
        term = TaxonomyTerm.objects.filter(scheme=self.scheme, hsds_id=hsds_id).first()
        created = term is None
        term = term or TaxonomyTerm(scheme=self.scheme, hsds_id=hsds_id)
        values = read_fields(data, TERM_FIELDS)
        if not values["name"]:
            values["name"] = str(data.get("term") or data.get("code") or "")
        if not values["name"]:
            raise MappingError("taxonomy_term: missing required name")
        for name, value in values.items():
            setattr(term, name, value)
        term.code = str(data.get("code") or data.get("term") or "")
        term.taxonomy_label = str(data.get("taxonomy") or "")
        term.taxonomy = self._taxonomy_for(data["taxonomy_id"], term.taxonomy_label) if "taxonomy_id" in data else None
        term.parent = (
            TaxonomyTerm.objects.available_to(self.scheme).filter(hsds_id=term.parent_hsds_id).first()
            if term.parent_hsds_id
            else None
        )
        _save(term)
        self.report.count("taxonomy_terms", created)
        return term

    def _attributes(self, rows: list[Mapping[str, Any]], **owner: Any) -> None:
        for data in rows:
            term_data = data.get("taxonomy_term")
            if isinstance(term_data, Mapping):
                term = self.term(term_data)
            elif "taxonomy_term_id" in data:
                term_id = parse_uuid(data["taxonomy_term_id"], "taxonomy_term_id")
                found = TaxonomyTerm.objects.available_to(self.scheme).filter(hsds_id=term_id).order_by("scheme_id")
                term = found.first()  # type: ignore[assignment]
                if term is None:
                    self._warn("attribute", data, f"unknown taxonomy term {term_id}; attribute skipped")
                    continue
            else:
                self._warn("attribute", data, "no taxonomy term; attribute skipped")
                continue
            attribute = Attribute(hsds_id=leaf_uuid(data.get("id")), taxonomy_term=term, **owner)
            for name, value in read_fields(data, ATTRIBUTE_FIELDS).items():
                setattr(attribute, name, value)
            _save(attribute)

    def _warn(self, kind: str, data: Mapping[str, Any], reason: str) -> None:
        self.report.warnings.append(Problem(kind, str(data.get("id", "")), reason))

    # -------------------------------------------------------------- organization

    def organization(self, data: Mapping[str, Any]) -> Organization:
        _require(data, "id", "name")
        _check_email(data, "email")
        hsds_id = parse_uuid(data["id"], "organization.id")
        organization = Organization.objects.filter(scheme=self.scheme, hsds_id=hsds_id).first()
        created = organization is None
        organization = organization or Organization(scheme=self.scheme, hsds_id=hsds_id)
        for name, value in read_fields(data, ORGANIZATION_FIELDS).items():
            setattr(organization, name, value)
        organization.parent = (
            Organization.objects.filter(scheme=self.scheme, hsds_id=organization.parent_hsds_id).first()
            if organization.parent_hsds_id
            else None
        )
        _save(organization)
        # A service list item carries its organization without identifiers: only replace them when given.
        if "organization_identifiers" in data:
            organization.identifiers.all().delete()
            for row in data["organization_identifiers"]:
                identifier = OrganizationIdentifier(organization=organization, hsds_id=leaf_uuid(row.get("id")))
                for name, value in read_fields(row, IDENTIFIER_FIELDS).items():
                    setattr(identifier, name, value)
                # ORUK requires a type; feeds that only give the scheme (UK-CHTY) are described by it.
                identifier.identifier_type = identifier.identifier_type or identifier.identifier_scheme or "Identifier"
                _save(identifier)
        self.report.count("organizations", created)
        return organization

    # -------------------------------------------------------------- location

    def location(self, data: Mapping[str, Any]) -> Location:
        _require(data, "id")
        hsds_id = parse_uuid(data["id"], "location.id")
        location = Location.objects.filter(scheme=self.scheme, hsds_id=hsds_id).first()
        created = location is None
        location = location or Location(scheme=self.scheme, hsds_id=hsds_id)
        values = read_fields(data, LOCATION_FIELDS)
        values["location_type"] = values["location_type"] or "physical"
        for name, value in values.items():
            setattr(location, name, value)
        if "organization_id" in data:
            location.organization = Organization.objects.filter(
                scheme=self.scheme, hsds_id=parse_uuid(data["organization_id"], "location.organization_id")
            ).first()
        location.postcode = ""
        for row in data.get("addresses", []):
            location.postcode = location.postcode or _uk_postcode(row.get("postal_code"))
        _save(location)
        location.addresses.all().delete()
        location.accessibility.all().delete()
        location.phones.all().delete()
        location.attributes.all().delete()
        for row in data.get("addresses", []):
            address = Address(location=location, hsds_id=leaf_uuid(row.get("id")))
            for name, value in read_fields(row, ADDRESS_FIELDS).items():
                setattr(address, name, value)
            address.address_type = address.address_type or "physical"
            _save(address)
        for row in data.get("accessibility", []):
            self._leaf(Accessibility(location=location, hsds_id=leaf_uuid(row.get("id"))), row, ACCESSIBILITY_FIELDS)
        for row in data.get("phones", []):
            self._phone(row, location=location)
        self._attributes(data.get("attributes", []), location=location)
        self.report.count("locations", created)
        return location

    def _leaf(self, instance: models.Model, data: Mapping[str, Any], fields: Any) -> None:
        for name, value in read_fields(data, fields).items():
            setattr(instance, name, value)
        _save(instance)

    def _phone(self, data: Mapping[str, Any], **owner: Any) -> None:
        if "number" not in data:
            raise MappingError("phone: missing required number")
        self._leaf(Phone(hsds_id=leaf_uuid(data.get("id")), **owner), data, PHONE_FIELDS)

    def _schedules(self, rows: list[Mapping[str, Any]], **owner: Any) -> None:
        for data in rows:
            self._leaf(Schedule(hsds_id=leaf_uuid(data.get("id")), **owner), data, SCHEDULE_FIELDS)

    # -------------------------------------------------------------- service

    def service(self, data: Mapping[str, Any]) -> Service:
        _require(data, "id", "name", "status")
        for key in ("email", "assurer_email"):
            _check_email(data, key)
        hsds_id = parse_uuid(data["id"])
        unchanged = self._unchanged_since_last_import(hsds_id, data)
        if unchanged is not None:
            self.report.count("services", False)
            return unchanged
        organization = None
        if isinstance(data.get("organization"), Mapping):
            organization = self.organization(data["organization"])
        elif "organization_id" in data:
            organization = Organization.objects.filter(
                scheme=self.scheme, hsds_id=parse_uuid(data["organization_id"], "organization_id")
            ).first()
        service = Service.objects.filter(scheme=self.scheme, hsds_id=hsds_id).first()
        created = service is None
        service = service or Service(scheme=self.scheme, hsds_id=hsds_id, created_at=timezone.now())
        values = read_fields(data, SERVICE_FIELDS)
        if values["last_modified"] is None:
            values["last_modified"] = service.last_modified if not created else timezone.now()
        before = {name: getattr(service, name) for name in values} if not created else {}
        for name, value in values.items():
            setattr(service, name, value)
        if (
            service.minimum_age is not None
            and service.maximum_age is not None
            and service.minimum_age > service.maximum_age
        ):
            raise MappingError("minimum_age is greater than maximum_age")
        service.organization = organization
        _save(service)
        for related in (
            "schedules",
            "service_areas",
            "languages",
            "phones",
            "cost_options",
            "funding",
            "contacts",
            "attributes",
        ):
            getattr(service, related).all().delete()
        self._schedules(data.get("schedules", []), service=service)
        for row in data.get("service_areas", []):
            self._leaf(ServiceArea(service=service, hsds_id=leaf_uuid(row.get("id"))), row, SERVICE_AREA_FIELDS)
        for row in data.get("languages", []):
            self._leaf(Language(service=service, hsds_id=leaf_uuid(row.get("id"))), row, LANGUAGE_FIELDS)
        for row in data.get("phones", []):
            self._phone(row, service=service)
        for row in data.get("cost_options", []):
            self._leaf(CostOption(service=service, hsds_id=leaf_uuid(row.get("id"))), row, COST_OPTION_FIELDS)
        for row in data.get("funding", []):
            self._leaf(Funding(service=service, hsds_id=leaf_uuid(row.get("id"))), row, FUNDING_FIELDS)
        for row in data.get("contacts", []):
            _check_email(row, "email")
            contact = Contact(service=service, hsds_id=leaf_uuid(row.get("id")))
            self._leaf(contact, row, CONTACT_FIELDS)
            for phone in row.get("phones", []):
                self._phone(phone, contact=contact)
        self._attributes(data.get("attributes", []), service=service)
        self._service_at_locations(service, data.get("service_at_locations", []))
        changes = (
            {
                name: [_plain(before.get(name)), _plain(value)]
                for name, value in values.items()
                if before.get(name) != value
            }
            if not created
            else {}
        )
        if created or changes:
            number = (service.versions.aggregate(top=models.Max("number"))["top"] or 0) + 1
            ServiceVersion.objects.create(
                service=service,
                number=number,
                source=VersionSource.IMPORT,
                status=VersionStatus.APPLIED,
                changes=changes,
                snapshot=_jsonable(data),
                note="Imported",
            )
        self.report.count("services", created)
        return service

    def _unchanged_since_last_import(self, hsds_id: uuid.UUID, data: Mapping[str, Any]) -> Service | None:
        """The existing service when its latest version is an import of exactly this object: a nightly
        re-import of an unchanged feed then costs one query per service instead of a rewrite."""
        latest = (
            ServiceVersion.objects.filter(service__scheme=self.scheme, service__hsds_id=hsds_id)
            .select_related("service")
            .order_by("-number")
            .first()
        )
        if latest is None or latest.source != VersionSource.IMPORT or latest.snapshot != _jsonable(data):
            return None
        return latest.service

    def _service_at_locations(self, service: Service, rows: list[Mapping[str, Any]]) -> None:
        keep: list[int] = []
        for data in rows:
            _require(data, "id")
            hsds_id = parse_uuid(data["id"], "service_at_location.id")
            if isinstance(data.get("location"), Mapping):
                location = self.location(data["location"])
            elif "location_id" in data:
                found = Location.objects.filter(
                    scheme=self.scheme, hsds_id=parse_uuid(data["location_id"], "location_id")
                ).first()
                if found is None:
                    raise MappingError(f"service_at_location {hsds_id}: unknown location {data['location_id']}")
                location = found
            else:
                raise MappingError(f"service_at_location {hsds_id}: no location")
            sal = ServiceAtLocation.objects.filter(scheme=self.scheme, hsds_id=hsds_id).first()
            created = sal is None
            sal = sal or ServiceAtLocation(scheme=self.scheme, hsds_id=hsds_id)
            sal.service, sal.location = service, location
            for name, value in read_fields(data, SAL_FIELDS).items():
                setattr(sal, name, value)
            _save(sal)
            sal.schedules.all().delete()
            self._schedules(data.get("schedules", []), service_at_location=sal)
            keep.append(sal.pk)
            self.report.count("service_at_locations", created)
        service.service_at_locations.exclude(pk__in=keep).delete()


UK_POSTCODE_SHAPE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}$", re.IGNORECASE)


def _uk_postcode(value: Any) -> str:
    """The normalised UK postcode, or "" (checked by shape first: the parser logs a warning per miss)."""
    text = str(value or "").strip()
    if not UK_POSTCODE_SHAPE.match(text):
        return ""
    return postcode_shape(text) or ""


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _jsonable(data: Any) -> Any:
    return json.loads(json.dumps(data, default=str))


def _record_id(data: Any) -> str:
    return str(data.get("id", "")) if isinstance(data, Mapping) else ""


def import_feed(*, scheme: Scheme, feed: Feed, strict: bool = False) -> ImportReport:
    """Write a parsed feed into the scheme: good records in, bad ones reported; `strict` keeps nothing
    when any record is bad."""
    report = ImportReport()
    importer = _Importer(scheme, report)
    steps: list[tuple[str, list[dict[str, Any]], Any]] = [
        ("taxonomy", feed.taxonomies, importer.taxonomy),
        ("taxonomy_term", feed.taxonomy_terms, importer.term),
        ("organization", feed.organizations, importer.organization),
        ("service", feed.services, importer.service),
    ]
    with transaction.atomic():
        for kind, records, write in steps:
            for data in records:
                savepoint = transaction.savepoint_create()
                counts = (dict(report.created), dict(report.updated), len(report.warnings))
                try:
                    if not isinstance(data, Mapping):
                        raise MappingError("not an object")
                    write(data)
                except (MappingError, ValidationError, DatabaseError) as error:
                    transaction.savepoint_rollback(savepoint)
                    report.created, report.updated = counts[0], counts[1]
                    del report.warnings[counts[2] :]
                    report.problems.append(Problem(kind, _record_id(data), _reason(error)))
                else:
                    transaction.savepoint_commit(savepoint)
        if strict and report.problems:
            transaction.set_rollback(True)
            return report
        audit_record(
            actor=None, action=AuditAction.CREATE, scheme=scheme, summary=f"Directory import: {report.summary()}"[:300]
        )
    return report


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    if isinstance(error, DatabaseError):
        return f"the database refused it ({error.__class__.__name__})"
    return str(error)


def import_path(*, path: Path, scheme_slug: str, strict: bool = False) -> tuple[Scheme, ImportReport]:
    """Parse the file (raising FeedUnreadable before any write), then import it, creating the scheme if new."""
    feed = read_feed(path)
    with transaction.atomic():
        scheme, _ = Scheme.objects.get_or_create(
            slug=scheme_slug, defaults={"name": scheme_slug.replace("-", " ").title()}
        )
        report = import_feed(scheme=scheme, feed=feed, strict=strict)
        if strict and report.problems:
            transaction.set_rollback(True)
    return scheme, report
