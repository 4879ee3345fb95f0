"""Pure mapping functions: value conversion, empty-field handling and feed shape detection."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

import pytest

from linkwell.interop.openreferral.mapping import (
    SCHEDULE_FIELDS,
    SERVICE_FIELDS,
    MappingError,
    compact,
    feed_from_json,
    leaf_uuid,
    read_fields,
)

from .oruk_files import EXAMPLES, MOCKS, load


def test_compact_drops_nulls_and_empty_values_at_every_depth() -> None:
    assert compact({"a": None, "b": "", "c": [], "d": {"e": None}, "f": [{"g": None}, 0, False], "h": "x"}) == {
        "f": [0, False],
        "h": "x",
    }


def test_read_fields_converts_hsds_values() -> None:
    values = read_fields(
        {
            "name": "Walk",
            "status": "active",
            "minimum_age": 18.0,
            "assured_date": "2025-01-02",
            "last_modified": "2023-03-15T10:30:45.123Z",
        },
        SERVICE_FIELDS,
    )
    assert values["minimum_age"] == 18
    assert values["assured_date"] == dt.date(2025, 1, 2)
    assert values["last_modified"] == dt.datetime(2023, 3, 15, 10, 30, 45, 123000, tzinfo=dt.UTC)
    assert values["description"] == "" and values["maximum_age"] is None
    schedule = read_fields({"opens_at": "10:00+01:00", "closes_at": "18:00:00Z", "interval": 2}, SCHEDULE_FIELDS)
    assert (schedule["opens_at"], schedule["closes_at"], schedule["interval"]) == (dt.time(10), dt.time(18), 2)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "open"}, "status: 'open' is not one of"),
        ({"minimum_age": 12.5}, "minimum_age: 12.5 is not a whole number"),
        ({"minimum_age": True}, "minimum_age: True is not a number"),
        ({"maximum_age": -1}, "maximum_age: -1 is not a whole number"),
        ({"assured_date": "last year"}, "assured_date: 'last year' is not a date"),
        ({"name": {"en": "Walk"}}, "name: expected text"),
        ({"email": False}, "email: expected text"),
    ],
)
def test_read_fields_explains_bad_values(data: dict[str, object], message: str) -> None:
    with pytest.raises(MappingError, match=message.replace("(", r"\(")):
        read_fields(data, SERVICE_FIELDS)


def test_cost_amounts_are_decimals_with_pennies() -> None:
    from linkwell.interop.openreferral.mapping import COST_OPTION_FIELDS

    assert read_fields({"amount": 2.5}, COST_OPTION_FIELDS)["amount"] == decimal.Decimal("2.50")
    with pytest.raises(MappingError):
        read_fields({"amount": "NaN"}, COST_OPTION_FIELDS)


def test_leaf_ids_keep_uuids_and_make_stable_ones_from_other_ids() -> None:
    known = uuid.uuid4()
    assert leaf_uuid(str(known)) == known
    assert leaf_uuid("reg-12345") == leaf_uuid("reg-12345") != leaf_uuid("reg-12346")


def test_feed_shapes_are_recognised() -> None:
    assert len(feed_from_json(load(EXAMPLES / "service_full.json")).services) == 1
    assert len(feed_from_json(load(EXAMPLES / "service_list.json")).services) == 1
    sal = feed_from_json(load(EXAMPLES / "service_at_location_full.json"))
    assert sal.services[0]["service_at_locations"][0]["location"]["name"] == "MyCity Civic Center"
    organization = feed_from_json(load(EXAMPLES / "organization_full.json"))
    assert len(organization.organizations) == 1 and len(organization.services) == 1
    assert organization.services[0]["organization"]["id"] == organization.organizations[0]["id"]
    taxonomy = feed_from_json(load(EXAMPLES / "taxonomy.json"))
    assert len(taxonomy.taxonomies) == 1 and taxonomy.taxonomy_terms[0]["taxonomy_id"] == taxonomy.taxonomies[0]["id"]
    assert len(feed_from_json(load(EXAMPLES / "taxonomy_term_list.json")).taxonomy_terms) == 1
    assert len(feed_from_json(load(MOCKS / "V3.0-UK-Default" / "organization_list.json")).organizations) == 10
    assert feed_from_json(load(MOCKS / "V3.0-UK-Default" / "api_details.json")).record_count == 0
    with pytest.raises(MappingError):
        feed_from_json([1, 2])
