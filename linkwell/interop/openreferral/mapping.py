"""Pure conversions between Open Referral (HSDS 3.0 / ORUK 3.0) JSON and the directory's field values.

No ORM queries here: `*_to_oruk` functions read already-loaded model instances (use
`Service.objects.with_details()`), `read_*` functions turn JSON into plain field dicts, and the tabular
functions turn a list of full service objects into HSDS CSV tables and back. Empty values are omitted on
the way out and null is treated as absent on the way in.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from linkwell.directory.models import (
    Address,
    Attribute,
    Contact,
    Frequency,
    Location,
    LocationType,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)


class MappingError(ValueError):
    """A value that cannot be stored; the message names the field and says why."""


class Kind(StrEnum):
    STR = "str"
    INT = "int"
    NUM = "num"
    DEC = "dec"
    DATE = "date"
    TIME = "time"
    DATETIME = "datetime"
    UUID = "uuid"
    EXT = "ext"  # a phone extension: a number in HSDS, kept as text


FieldMap = tuple[tuple[str, str, Kind], ...]

SERVICE_FIELDS: FieldMap = (
    ("name", "name", Kind.STR),
    ("alternate_name", "alternate_name", Kind.STR),
    ("description", "description", Kind.STR),
    ("url", "url", Kind.STR),
    ("email", "email", Kind.STR),
    ("status", "status", Kind.STR),
    ("interpretation_services", "interpretation_services", Kind.STR),
    ("application_process", "application_process", Kind.STR),
    ("fees_description", "fees_description", Kind.STR),
    ("wait_time", "wait_time", Kind.STR),
    ("fees", "fees", Kind.STR),
    ("accreditations", "accreditations", Kind.STR),
    ("eligibility_description", "eligibility_description", Kind.STR),
    ("minimum_age", "minimum_age", Kind.INT),
    ("maximum_age", "maximum_age", Kind.INT),
    ("assured_date", "assured_date", Kind.DATE),
    ("assurer_email", "assurer_email", Kind.STR),
    ("licenses", "licenses", Kind.STR),
    ("alert", "alert", Kind.STR),
    ("last_modified", "last_modified", Kind.DATETIME),
)
# The fields of a GET /services list item (no nested children but the organization).
SERVICE_LIST_KEYS = (
    "name",
    "description",
    "url",
    "email",
    "status",
    "fees",
    "accreditations",
    "minimum_age",
    "maximum_age",
    "assured_date",
    "assurer_email",
    "alert",
    "last_modified",
)
ORGANIZATION_FIELDS: FieldMap = (
    ("name", "name", Kind.STR),
    ("alternate_name", "alternate_name", Kind.STR),
    ("description", "description", Kind.STR),
    ("email", "email", Kind.STR),
    ("website", "website", Kind.STR),
    ("year_incorporated", "year_incorporated", Kind.INT),
    ("legal_status", "legal_status", Kind.STR),
    ("logo", "logo", Kind.STR),
    ("uri", "uri", Kind.STR),
    ("parent_organization_id", "parent_hsds_id", Kind.UUID),
)
IDENTIFIER_FIELDS: FieldMap = (
    ("identifier_scheme", "identifier_scheme", Kind.STR),
    ("identifier_type", "identifier_type", Kind.STR),
    ("identifier", "identifier", Kind.STR),
)
LOCATION_FIELDS: FieldMap = (
    ("location_type", "location_type", Kind.STR),
    ("url", "url", Kind.STR),
    ("name", "name", Kind.STR),
    ("alternate_name", "alternate_name", Kind.STR),
    ("description", "description", Kind.STR),
    ("transportation", "transportation", Kind.STR),
    ("latitude", "latitude", Kind.NUM),
    ("longitude", "longitude", Kind.NUM),
    ("external_identifier", "external_identifier", Kind.STR),
    ("external_identifier_type", "external_identifier_type", Kind.STR),
)
ADDRESS_FIELDS: FieldMap = (
    ("attention", "attention", Kind.STR),
    ("address_1", "address_1", Kind.STR),
    ("address_2", "address_2", Kind.STR),
    ("city", "city", Kind.STR),
    ("region", "region", Kind.STR),
    ("state_province", "state_province", Kind.STR),
    ("postal_code", "postal_code", Kind.STR),
    ("country", "country", Kind.STR),
    ("address_type", "address_type", Kind.STR),
)
ACCESSIBILITY_FIELDS: FieldMap = (
    ("description", "description", Kind.STR),
    ("details", "details", Kind.STR),
    ("url", "url", Kind.STR),
    ("accessibility", "accessibility", Kind.STR),
)
SAL_FIELDS: FieldMap = (("description", "description", Kind.STR),)
PHONE_FIELDS: FieldMap = (
    ("number", "number", Kind.STR),
    ("extension", "extension", Kind.EXT),
    ("type", "type", Kind.STR),
    ("description", "description", Kind.STR),
)
LANGUAGE_FIELDS: FieldMap = (
    ("name", "name", Kind.STR),
    ("code", "code", Kind.STR),
    ("note", "note", Kind.STR),
)
SCHEDULE_FIELDS: FieldMap = (
    ("valid_from", "valid_from", Kind.DATE),
    ("valid_to", "valid_to", Kind.DATE),
    ("dtstart", "dtstart", Kind.DATE),
    ("freq", "freq", Kind.STR),
    ("interval", "interval", Kind.INT),
    ("byday", "byday", Kind.STR),
    ("bymonthday", "bymonthday", Kind.STR),
    ("description", "description", Kind.STR),
    ("opens_at", "opens_at", Kind.TIME),
    ("closes_at", "closes_at", Kind.TIME),
    ("schedule_link", "schedule_link", Kind.STR),
    ("attending_type", "attending_type", Kind.STR),
    ("notes", "notes", Kind.STR),
)
SERVICE_AREA_FIELDS: FieldMap = (
    ("name", "name", Kind.STR),
    ("description", "description", Kind.STR),
    ("extent", "extent", Kind.STR),
    ("extent_type", "extent_type", Kind.STR),
    ("uri", "uri", Kind.STR),
    ("service_area", "service_area", Kind.STR),
)
COST_OPTION_FIELDS: FieldMap = (
    ("valid_from", "valid_from", Kind.DATE),
    ("valid_to", "valid_to", Kind.DATE),
    ("option", "option", Kind.STR),
    ("currency", "currency", Kind.STR),
    ("amount", "amount", Kind.DEC),
    ("amount_description", "amount_description", Kind.STR),
)
FUNDING_FIELDS: FieldMap = (("source", "source", Kind.STR),)
CONTACT_FIELDS: FieldMap = (
    ("name", "name", Kind.STR),
    ("title", "title", Kind.STR),
    ("department", "department", Kind.STR),
    ("email", "email", Kind.STR),
)
ATTRIBUTE_FIELDS: FieldMap = (
    ("link_type", "link_type", Kind.STR),
    ("value", "value", Kind.STR),
    ("label", "label", Kind.STR),
)
TAXONOMY_FIELDS: FieldMap = (
    ("name", "name", Kind.STR),
    ("description", "description", Kind.STR),
    ("uri", "uri", Kind.STR),
    ("version", "version", Kind.STR),
)
TERM_FIELDS: FieldMap = (
    ("name", "name", Kind.STR),
    ("description", "description", Kind.STR),
    ("parent_id", "parent_hsds_id", Kind.UUID),
    ("term_uri", "term_uri", Kind.STR),
    ("language", "language", Kind.STR),
)

CHOICES: dict[str, set[str]] = {
    "status": set(ServiceStatus.values),
    "location_type": set(LocationType.values),
    "address_type": set(LocationType.values),
    "freq": set(Frequency.values),
}


# ---------------------------------------------------------------------------------------------- values in


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def compact(value: Any) -> Any:
    """Drop null and empty values at every depth: ORUK omits empty fields rather than sending null."""
    if isinstance(value, Mapping):
        cleaned = {key: compact(item) for key, item in value.items()}
        return {key: item for key, item in cleaned.items() if not is_empty(item)}
    if isinstance(value, list):
        return [item for item in (compact(entry) for entry in value) if not is_empty(item)]
    return value


def parse_uuid(value: Any, key: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        raise MappingError(f"{key}: {value!r} is not a UUID") from None


def leaf_uuid(value: Any) -> uuid.UUID:
    """A leaf row's id: kept when it is a UUID, else a stable UUID made from it (feeds in the wild use
    ids like "reg-12345" for nested rows), or a new one when absent."""
    if is_empty(value):
        return uuid.uuid4()
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return uuid.uuid5(uuid.NAMESPACE_URL, f"urn:linkwell:hsds-id:{value}")


def _convert_in(key: str, value: Any, kind: Kind) -> Any:
    if kind is Kind.STR:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise MappingError(f"{key}: expected text, got {value!r}")
        text = str(value)
        if key in CHOICES and text not in CHOICES[key]:
            raise MappingError(f"{key}: {text!r} is not one of {', '.join(sorted(CHOICES[key]))}")
        return text
    if kind is Kind.EXT:
        return str(int(value)) if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
    if kind is Kind.INT:
        number = _number(key, value)
        if number != int(number) or number < 0:
            raise MappingError(f"{key}: {value!r} is not a whole number of 0 or more")
        return int(number)
    if kind is Kind.NUM:
        return float(_number(key, value))
    if kind is Kind.DEC:
        try:
            amount = decimal.Decimal(str(value))
        except decimal.InvalidOperation:
            raise MappingError(f"{key}: {value!r} is not a number") from None
        if not amount.is_finite() or abs(amount) >= 10**8:
            raise MappingError(f"{key}: {value!r} is out of range")
        return amount.quantize(decimal.Decimal("0.01"))
    if kind is Kind.DATE:
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            raise MappingError(f"{key}: {value!r} is not a date like 2025-01-31") from None
    if kind is Kind.TIME:
        text = str(value).strip().removesuffix("Z").removesuffix("z")
        try:
            # HSDS opening times are local wall-clock times: an offset, when given, is dropped.
            return dt.time.fromisoformat(text).replace(tzinfo=None)
        except ValueError:
            raise MappingError(f"{key}: {value!r} is not a time like 09:30") from None
    if kind is Kind.DATETIME:
        try:
            moment = dt.datetime.fromisoformat(str(value).replace("z", "Z"))
        except ValueError:
            raise MappingError(f"{key}: {value!r} is not a date and time") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return moment
    if kind is Kind.UUID:
        return parse_uuid(value, key)
    raise AssertionError(kind)  # pragma: no cover


def _number(key: str, value: Any) -> float:
    if isinstance(value, bool):
        raise MappingError(f"{key}: {value!r} is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise MappingError(f"{key}: {value!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise MappingError(f"{key}: {value!r} is not a number")
    return number


def read_fields(data: Mapping[str, Any], fields: FieldMap) -> dict[str, Any]:
    """Model field values from an HSDS object; absent or null values become the field's empty value."""
    values: dict[str, Any] = {}
    for key, attr, kind in fields:
        raw = data.get(key)
        if is_empty(raw):
            values[attr] = "" if kind in (Kind.STR, Kind.EXT) else None
        else:
            values[attr] = _convert_in(key, raw, kind)
    return values


# ---------------------------------------------------------------------------------------------- values out


def _convert_out(value: Any, kind: Kind) -> Any:
    if kind is Kind.INT:
        return int(value)
    if kind is Kind.NUM:
        return float(value)
    if kind is Kind.DEC:
        amount = decimal.Decimal(value)
        return int(amount) if amount == amount.to_integral_value() else float(amount)
    if kind is Kind.EXT:
        return int(value) if str(value).isdigit() and len(str(value)) < 10 else value
    if kind is Kind.DATETIME:
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if kind in (Kind.DATE, Kind.TIME, Kind.UUID):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    return value


def write_fields(obj: Any, fields: FieldMap) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, attr, kind in fields:
        value = getattr(obj, attr)
        if not is_empty(value):
            values[key] = _convert_out(value, kind)
    return values


def _ordered(items: Iterable[Any]) -> list[Any]:
    # Children come out in HSDS id order so two exports of the same data are byte-identical.
    return sorted(items, key=lambda item: str(item.hsds_id))


def term_to_oruk(term: TaxonomyTerm) -> dict[str, Any]:
    data: dict[str, Any] = {"id": str(term.hsds_id)}
    data.update(write_fields(term, TERM_FIELDS))
    if term.parent_id and term.parent is not None:
        data["parent_id"] = str(term.parent.hsds_id)
    label = term.taxonomy_label or (term.taxonomy.name if term.taxonomy else "")
    if label:
        data["taxonomy"] = label
    if term.taxonomy is not None:
        data["taxonomy_id"] = str(term.taxonomy.hsds_id)
    if term.code:
        data["code"] = term.code
        data["term"] = term.code
    # ORUK requires a description; a term without one is described by its name.
    data.setdefault("description", term.name)
    return dict(sorted(data.items()))


def taxonomy_to_oruk(taxonomy: Taxonomy, terms: Iterable[TaxonomyTerm] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"id": str(taxonomy.hsds_id)}
    data.update(write_fields(taxonomy, TAXONOMY_FIELDS))
    data.setdefault("description", taxonomy.name)
    data = _in_order(data, ("id", *(key for key, _, _ in TAXONOMY_FIELDS)))
    if terms is not None:
        listed = [term_to_oruk(term) for term in _ordered(terms)]
        if listed:
            data["taxonomy_terms"] = listed
    return data


def attribute_to_oruk(attribute: Attribute, link_id: uuid.UUID) -> dict[str, Any]:
    data: dict[str, Any] = {"id": str(attribute.hsds_id), "link_id": str(link_id)}
    data["taxonomy_term_id"] = str(attribute.taxonomy_term.hsds_id)
    data.update(write_fields(attribute, ATTRIBUTE_FIELDS))
    data["taxonomy_term"] = term_to_oruk(attribute.taxonomy_term)
    return data


def phone_to_oruk(phone: Phone) -> dict[str, Any]:
    return {"id": str(phone.hsds_id), **write_fields(phone, PHONE_FIELDS)}


def organization_to_oruk(organization: Organization, *, full: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {"id": str(organization.hsds_id)}
    data.update(write_fields(organization, ORGANIZATION_FIELDS))
    if organization.parent_id and organization.parent is not None:
        data["parent_organization_id"] = str(organization.parent.hsds_id)
    if full:
        identifiers = [
            {
                "id": str(row.hsds_id),
                "organization_id": str(organization.hsds_id),
                **write_fields(row, IDENTIFIER_FIELDS),
            }
            for row in _ordered(organization.identifiers.all())
        ]
        if identifiers:
            data["organization_identifiers"] = identifiers
    # ORUK requires a description; an organization imported without one still gets a valid object.
    data.setdefault("description", data["name"])
    return _in_order(data, ("id", *(key for key, _, _ in ORGANIZATION_FIELDS)))


def location_to_oruk(location: Location) -> dict[str, Any]:
    data: dict[str, Any] = {"id": str(location.hsds_id)}
    data.update(write_fields(location, LOCATION_FIELDS))
    if location.organization_id and location.organization is not None:
        data["organization_id"] = str(location.organization.hsds_id)
    addresses = [_address_to_oruk(row, location.hsds_id) for row in _ordered(location.addresses.all())]
    accessibility = [
        {"id": str(row.hsds_id), "location_id": str(location.hsds_id), **write_fields(row, ACCESSIBILITY_FIELDS)}
        for row in _ordered(location.accessibility.all())
    ]
    phones = [phone_to_oruk(row) for row in _ordered(location.phones.all())]
    attributes = [attribute_to_oruk(row, location.hsds_id) for row in _ordered(location.attributes.all())]
    for key, rows in (
        ("addresses", addresses),
        ("accessibility", accessibility),
        ("phones", phones),
        ("attributes", attributes),
    ):
        if rows:
            data[key] = rows
    return data


def _address_to_oruk(address: Address, location_id: uuid.UUID) -> dict[str, Any]:
    data = {"id": str(address.hsds_id), "location_id": str(location_id), **write_fields(address, ADDRESS_FIELDS)}
    # ORUK requires state_province and country, which UK addresses rarely carry: use the region (or town)
    # and GB rather than send an invalid object.
    data.setdefault("state_province", address.region or address.city)
    data.setdefault("country", "GB")
    return _in_order(data, ("id", "location_id", *(key for key, _, _ in ADDRESS_FIELDS)))


def _in_order(data: dict[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """The same object with keys in HSDS field order, so filled-in defaults round-trip byte for byte."""
    ordered = {key: data[key] for key in keys if key in data}
    ordered.update({key: value for key, value in data.items() if key not in ordered})
    return ordered


def schedule_to_oruk(
    schedule: Schedule, *, service_id: uuid.UUID | None = None, sal_id: uuid.UUID | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {"id": str(schedule.hsds_id)}
    if service_id is not None:
        data["service_id"] = str(service_id)
    if sal_id is not None:
        data["service_at_location_id"] = str(sal_id)
    data.update(write_fields(schedule, SCHEDULE_FIELDS))
    return data


def service_at_location_to_oruk(sal: ServiceAtLocation, *, with_service: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(sal.hsds_id),
        "service_id": str(sal.service.hsds_id),
        "location_id": str(sal.location.hsds_id),
    }
    data.update(write_fields(sal, SAL_FIELDS))
    schedules = [schedule_to_oruk(row, sal_id=sal.hsds_id) for row in _ordered(sal.schedules.all())]
    if schedules:
        data["schedules"] = schedules
    data["location"] = location_to_oruk(sal.location)
    if with_service:
        data["service"] = service_list_item(sal.service)
    return data


def service_list_item(service: Service) -> dict[str, Any]:
    """One item of GET /services: the service's own fields and its organization."""
    full = write_fields(service, SERVICE_FIELDS)
    data: dict[str, Any] = {"id": str(service.hsds_id)}
    data.update({key: full[key] for key in SERVICE_LIST_KEYS if key in full})
    if service.organization is not None:
        data["organization_id"] = str(service.organization.hsds_id)
        data["organization"] = organization_to_oruk(service.organization, full=False)
    return data


def service_to_oruk(service: Service) -> dict[str, Any]:
    """The full ORUK service object (GET /services/{id}); also the unit of JSON export and import."""
    sid = service.hsds_id
    data: dict[str, Any] = {"id": str(sid)}
    if service.organization is not None:
        data["organization_id"] = str(service.organization.hsds_id)
    data.update(write_fields(service, SERVICE_FIELDS))
    children: dict[str, list[dict[str, Any]]] = {
        "schedules": [schedule_to_oruk(row, service_id=sid) for row in _ordered(service.schedules.all())],
        "service_areas": [
            {"id": str(row.hsds_id), "service_id": str(sid), **write_fields(row, SERVICE_AREA_FIELDS)}
            for row in _ordered(service.service_areas.all())
        ],
        "service_at_locations": [
            service_at_location_to_oruk(row) for row in _ordered(service.service_at_locations.all())
        ],
        "languages": [
            {"id": str(row.hsds_id), "service_id": str(sid), **write_fields(row, LANGUAGE_FIELDS)}
            for row in _ordered(service.languages.all())
        ],
        "phones": [phone_to_oruk(row) for row in _ordered(service.phones.all())],
        "funding": [
            {"id": str(row.hsds_id), "service_id": str(sid), **write_fields(row, FUNDING_FIELDS)}
            for row in _ordered(service.funding.all())
        ],
        "cost_options": [
            {"id": str(row.hsds_id), "service_id": str(sid), **write_fields(row, COST_OPTION_FIELDS)}
            for row in _ordered(service.cost_options.all())
        ],
        "contacts": [_contact_to_oruk(row, sid) for row in _ordered(service.contacts.all())],
        "attributes": [attribute_to_oruk(row, sid) for row in _ordered(service.attributes.all())],
    }
    for key, rows in children.items():
        if rows:
            data[key] = rows
    if service.organization is not None:
        data["organization"] = organization_to_oruk(service.organization)
    return data


def _contact_to_oruk(contact: Contact, service_id: uuid.UUID) -> dict[str, Any]:
    data = {"id": str(contact.hsds_id), "service_id": str(service_id), **write_fields(contact, CONTACT_FIELDS)}
    phones = [phone_to_oruk(row) for row in _ordered(contact.phones.all())]
    if phones:
        data["phones"] = phones
    return data


# ---------------------------------------------------------------------------------------------- feed shapes


@dataclass
class Feed:
    """What a JSON document or CSV package holds, as ORUK-shaped objects."""

    services: list[dict[str, Any]] = field(default_factory=list)
    organizations: list[dict[str, Any]] = field(default_factory=list)
    taxonomies: list[dict[str, Any]] = field(default_factory=list)
    taxonomy_terms: list[dict[str, Any]] = field(default_factory=list)
    ignored: int = 0

    @property
    def record_count(self) -> int:
        return len(self.services) + len(self.organizations) + len(self.taxonomies) + len(self.taxonomy_terms)


_TERM_KEYS = {"term", "code", "taxonomy", "taxonomy_id", "parent_id", "term_uri"}


def feed_from_json(document: Any) -> Feed:
    """Sort a parsed JSON document into services, organizations, taxonomies and terms.

    Accepts what ORUK endpoints return: an array of services, a single service, a paginated page
    (`contents`), a service_at_location (with its `service`), an organization with its `services`,
    a taxonomy with its `taxonomy_terms`, a taxonomy term, or a list of any of these.
    """
    feed = Feed()
    _collect(compact(document) if not is_empty(document) else [], feed)
    return feed


def _collect(item: Any, feed: Feed) -> None:
    if isinstance(item, list):
        for entry in item:
            _collect(entry, feed)
        return
    if not isinstance(item, dict):
        raise MappingError(f"expected an object or a list of objects, found {type(item).__name__}")
    if isinstance(item.get("contents"), list):
        _collect(item["contents"], feed)
    elif isinstance(item.get("service"), dict) and "location" in item:
        service = dict(item["service"])
        sal = {key: value for key, value in item.items() if key != "service"}
        known = [row for row in service.get("service_at_locations", []) if row.get("id") != sal.get("id")]
        service["service_at_locations"] = [*known, sal]
        feed.services.append(service)
    elif isinstance(item.get("services"), list) and "status" not in item:
        organization = {key: value for key, value in item.items() if key != "services"}
        feed.organizations.append(organization)
        for service in item["services"]:
            if isinstance(service, dict) and "organization" not in service:
                service = {**service, "organization": organization}
            _collect(service, feed)
    elif "status" in item or "service_at_locations" in item:
        feed.services.append(item)
    elif (
        "taxonomy_terms" in item
        or ("version" in item and "name" in item)
        or ("uri" in item and not item.keys() & {"website", "email", "organization_identifiers"} | _TERM_KEYS)
    ):
        taxonomy = {key: value for key, value in item.items() if key != "taxonomy_terms"}
        feed.taxonomies.append(taxonomy)
        for term in item.get("taxonomy_terms", []):
            if isinstance(term, dict):
                feed.taxonomy_terms.append({"taxonomy_id": item.get("id"), **term})
    elif item.keys() & _TERM_KEYS:
        feed.taxonomy_terms.append(item)
    elif "version" in item and ("profile" in item or "openapi_url" in item):
        feed.ignored += 1  # the API's GET / answer: nothing to import
    elif "name" in item or "id" in item:
        feed.organizations.append(item)
    else:
        feed.ignored += 1


# ---------------------------------------------------------------------------------------------- tables (CSV)

# HSDS 3.0 tabular data package: resource name → (file, columns). Columns follow HSDS's own order.
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "organization": ("organizations.csv", ("id", *(k for k, _, _ in ORGANIZATION_FIELDS))),
    "organization_identifier": (
        "organization_identifiers.csv",
        ("id", "organization_id", *(k for k, _, _ in IDENTIFIER_FIELDS)),
    ),
    "service": ("services.csv", ("id", "organization_id", *(k for k, _, _ in SERVICE_FIELDS))),
    "location": ("locations.csv", ("id", "organization_id", *(k for k, _, _ in LOCATION_FIELDS))),
    "service_at_location": ("service_at_location.csv", ("id", "service_id", "location_id", "description")),
    "address": ("addresses.csv", ("id", "location_id", *(k for k, _, _ in ADDRESS_FIELDS))),
    "accessibility": ("accessibility.csv", ("id", "location_id", *(k for k, _, _ in ACCESSIBILITY_FIELDS))),
    "phone": ("phones.csv", ("id", "service_id", "location_id", "contact_id", *(k for k, _, _ in PHONE_FIELDS))),
    "language": ("languages.csv", ("id", "service_id", *(k for k, _, _ in LANGUAGE_FIELDS))),
    "schedule": ("schedules.csv", ("id", "service_id", "service_at_location_id", *(k for k, _, _ in SCHEDULE_FIELDS))),
    "service_area": ("service_areas.csv", ("id", "service_id", *(k for k, _, _ in SERVICE_AREA_FIELDS))),
    "cost_option": ("cost_options.csv", ("id", "service_id", *(k for k, _, _ in COST_OPTION_FIELDS))),
    "funding": ("funding.csv", ("id", "service_id", *(k for k, _, _ in FUNDING_FIELDS))),
    "contact": ("contacts.csv", ("id", "service_id", *(k for k, _, _ in CONTACT_FIELDS))),
    "attribute": (
        "attributes.csv",
        ("id", "link_id", "link_entity", "taxonomy_term_id", *(k for k, _, _ in ATTRIBUTE_FIELDS)),
    ),
    "taxonomy": ("taxonomies.csv", ("id", *(k for k, _, _ in TAXONOMY_FIELDS))),
    "taxonomy_term": (
        "taxonomy_terms.csv",
        ("id", "code", "name", "description", "parent_id", "taxonomy", "language", "taxonomy_id", "term_uri"),
    ),
}
# File names other publishers use for the same resources (the ORUK examples use singular names).
TABLE_ALIASES: dict[str, tuple[str, ...]] = {
    "organization": ("organization.csv",),
    "service": ("service.csv",),
    "location": ("location.csv",),
    "service_at_location": ("service_at_locations.csv",),
    "address": ("address.csv",),
    "phone": ("phone.csv",),
    "language": ("language.csv",),
    "schedule": ("schedule.csv",),
    "service_area": ("service_area.csv",),
    "cost_option": ("cost_option.csv",),
    "contact": ("contact.csv",),
    "attribute": ("attribute.csv",),
    "taxonomy": ("taxonomy.csv",),
    "taxonomy_term": ("taxonomy_term.csv",),
}
NUMERIC_COLUMNS = {
    "minimum_age",
    "maximum_age",
    "year_incorporated",
    "latitude",
    "longitude",
    "interval",
    "amount",
    "extension",
}

Tables = dict[str, list[dict[str, Any]]]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def tables_from_feed(feed: Feed) -> Tables:
    """Flatten full service objects (and free-standing taxonomies) into HSDS tables of text cells."""
    tables: dict[str, dict[str, dict[str, str]]] = {name: {} for name in TABLES}

    def put(table: str, row: Mapping[str, Any], **links: Any) -> None:
        columns = TABLES[table][1]
        values = {**row, **{k: v for k, v in links.items() if v is not None}}
        tables[table][str(values["id"])] = {column: _cell(values.get(column)) for column in columns}

    def put_term(term: Mapping[str, Any]) -> None:
        put("taxonomy_term", {**term, "code": term.get("code") or term.get("term")})

    def put_attributes(rows: Iterable[Mapping[str, Any]], link_id: Any, entity: str) -> None:
        for attribute in rows:
            term = attribute.get("taxonomy_term")
            if term:
                put_term(term)
            put(
                "attribute",
                attribute,
                link_id=link_id,
                link_entity=entity,
                taxonomy_term_id=attribute.get("taxonomy_term_id") or (term or {}).get("id"),
            )

    def put_organization(organization: Mapping[str, Any]) -> None:
        put("organization", organization)
        for row in organization.get("organization_identifiers", []):
            put("organization_identifier", row, organization_id=organization["id"])

    for taxonomy in feed.taxonomies:
        put("taxonomy", taxonomy)
    for term in feed.taxonomy_terms:
        put_term(term)
    for organization in feed.organizations:
        put_organization(organization)
    for service in feed.services:
        sid = service["id"]
        nested = service.get("organization") or {}
        if nested:
            put_organization(nested)
        put("service", service, organization_id=service.get("organization_id") or nested.get("id"))
        for row in service.get("schedules", []):
            put("schedule", row, service_id=sid)
        for key, table in (
            ("service_areas", "service_area"),
            ("languages", "language"),
            ("funding", "funding"),
            ("cost_options", "cost_option"),
            ("phones", "phone"),
        ):
            for row in service.get(key, []):
                put(table, row, service_id=sid)
        for contact in service.get("contacts", []):
            put("contact", contact, service_id=sid)
            for phone in contact.get("phones", []):
                put("phone", phone, contact_id=contact["id"])
        put_attributes(service.get("attributes", []), sid, "service")
        for sal in service.get("service_at_locations", []):
            location = sal.get("location") or {}
            lid = location.get("id") or sal.get("location_id")
            put("service_at_location", sal, service_id=sid, location_id=lid)
            for row in sal.get("schedules", []):
                put("schedule", row, service_at_location_id=sal["id"])
            if location:
                put("location", location)
                for row in location.get("addresses", []):
                    put("address", row, location_id=lid)
                for row in location.get("accessibility", []):
                    put("accessibility", row, location_id=lid)
                for row in location.get("phones", []):
                    put("phone", row, location_id=lid)
                put_attributes(location.get("attributes", []), lid, "location")
    return {name: sorted(rows.values(), key=lambda row: row["id"]) for name, rows in tables.items()}


def _typed(row: Mapping[str, Any]) -> dict[str, Any]:
    """A CSV row as JSON values: empty cells dropped, numeric columns as numbers."""
    values: dict[str, Any] = {}
    for key, value in row.items():
        if key is None or value is None:
            continue
        text = str(value).strip() if key in NUMERIC_COLUMNS else str(value)
        if text == "":
            continue
        if key in NUMERIC_COLUMNS:
            try:
                number = float(text)
                values[key] = int(number) if number.is_integer() and "." not in text else number
            except ValueError:
                values[key] = text  # left for validation to report
        else:
            values[key] = text
    return values


def feed_from_tables(tables: Mapping[str, list[dict[str, Any]]]) -> Feed:
    """Nest HSDS tables back into full service objects (plus free-standing organizations and taxonomies)."""
    rows = {name: [_typed(row) for row in tables.get(name, [])] for name in TABLES}

    def by(table: str, column: str) -> dict[str, list[dict[str, Any]]]:
        grouped: dict[str, list[dict[str, Any]]] = {}
        for row in rows[table]:
            if column in row:
                grouped.setdefault(row[column], []).append(row)
        return grouped

    terms = {row["id"]: row for row in rows["taxonomy_term"] if "id" in row}
    taxonomies = rows["taxonomy"]
    attributes_by_link = by("attribute", "link_id")

    def attributes_for(link_id: str) -> list[dict[str, Any]]:
        result = []
        for attribute in attributes_by_link.get(link_id, []):
            attribute = {k: v for k, v in attribute.items() if k not in ("link_entity",)}
            term = terms.get(attribute.get("taxonomy_term_id", ""))
            if term is not None:
                attribute["taxonomy_term"] = _term_json(term)
            result.append(attribute)
        return result

    identifiers = by("organization_identifier", "organization_id")
    organizations: dict[str, dict[str, Any]] = {}
    for row in rows["organization"]:
        organization = dict(row)
        if row.get("id") in identifiers:
            organization["organization_identifiers"] = identifiers[row["id"]]
        organizations[row.get("id", "")] = organization

    addresses, accessibility = by("address", "location_id"), by("accessibility", "location_id")
    location_phones = by("phone", "location_id")
    locations: dict[str, dict[str, Any]] = {}
    for row in rows["location"]:
        location = dict(row)
        lid = row.get("id", "")
        for key, grouped in (("addresses", addresses), ("accessibility", accessibility), ("phones", location_phones)):
            if lid in grouped:
                location[key] = grouped[lid]
        linked = attributes_for(lid)
        if linked:
            location["attributes"] = linked
        locations[lid] = location

    sal_schedules = by("schedule", "service_at_location_id")
    sals = by("service_at_location", "service_id")
    schedules = by("schedule", "service_id")
    children = {
        key: by(table, "service_id")
        for key, table in (
            ("service_areas", "service_area"),
            ("languages", "language"),
            ("funding", "funding"),
            ("cost_options", "cost_option"),
            ("phones", "phone"),
        )
    }
    contact_phones = by("phone", "contact_id")
    contacts = by("contact", "service_id")

    feed = Feed()
    used_organizations: set[str] = set()
    for row in rows["service"]:
        service = dict(row)
        sid = row.get("id", "")
        if sid in schedules:
            service["schedules"] = [s for s in schedules[sid] if "service_at_location_id" not in s]
        for key, grouped in children.items():
            if sid in grouped:
                service[key] = [r for r in grouped[sid] if key != "phones" or "contact_id" not in r]
        if sid in contacts:
            service["contacts"] = [
                {
                    **contact,
                    **({"phones": contact_phones[contact["id"]]} if contact.get("id") in contact_phones else {}),
                }
                for contact in contacts[sid]
            ]
        linked = attributes_for(sid)
        if linked:
            service["attributes"] = linked
        if sid in sals:
            service["service_at_locations"] = [
                {
                    **sal,
                    **({"location": locations[sal["location_id"]]} if sal.get("location_id") in locations else {}),
                    **({"schedules": sal_schedules[sal["id"]]} if sal.get("id") in sal_schedules else {}),
                }
                for sal in sals[sid]
            ]
        organization_id = row.get("organization_id")
        if organization_id in organizations:
            service["organization"] = organizations[organization_id]
            used_organizations.add(organization_id)
        feed.services.append(compact(service))
    feed.organizations = [org for oid, org in organizations.items() if oid not in used_organizations]
    feed.taxonomies = taxonomies
    feed.taxonomy_terms = [_term_json(term) for term in terms.values()]
    return feed


def _term_json(row: Mapping[str, Any]) -> dict[str, Any]:
    term = dict(row)
    if "code" in term:
        term.setdefault("term", term["code"])
    return term


def rows_for_csv(table: list[dict[str, Any]], columns: tuple[str, ...]) -> list[list[str]]:
    return [[_cell(row.get(column)) for column in columns] for row in table]
