"""Export → import → export gives identical files, in JSON and in CSV."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from linkwell.directory.models import Service
from linkwell.directory.tests.schemes import new_scheme
from linkwell.interop.openreferral.importer import import_feed, read_feed
from linkwell.interop.openreferral.mapping import feed_from_tables, tables_from_feed

from .oruk_files import EXAMPLES, MOCKS, errors

pytestmark = pytest.mark.django_db

SOURCES = [
    EXAMPLES / "service_full.json",
    EXAMPLES / "taxonomy.json",
    MOCKS / "V3.0-UK-Default" / "organization.json",
    MOCKS / "V3.0-UK-Default" / "organization_list.json",
    MOCKS / "V3.0-UK-Default" / "service_at_location_full.json",
    MOCKS / "V3.0-UK-Test" / "service_list.json",
]


def _seed(slug: str) -> None:
    scheme = new_scheme(slug=slug)
    for path in SOURCES:
        report = import_feed(scheme=scheme, feed=read_feed(path))
        assert report.problems == []


def _with_linkwell_listing(slug: str) -> None:
    """A Linkwell-made listing with its own terms, phone, schedule and a UK postcode."""
    from linkwell.directory.tests.test_upkeep_services import make_listing

    make_listing(new_scheme(slug=slug))


def test_json_export_import_export_is_identical(tmp_path: Path) -> None:
    _seed("source")
    _with_linkwell_listing("source")
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    call_command("export_directory", str(first), "--scheme", "source", "--format", "json")
    call_command("import_directory", str(first), "--scheme", "copy")
    call_command("export_directory", str(second), "--scheme", "copy", "--format", "json")
    assert first.read_bytes() == second.read_bytes()
    exported = json.loads(first.read_text())
    assert len(exported) == Service.objects.filter(scheme__slug="source").count() == 2
    for service in exported:
        assert errors("service", service) == []


def test_csv_export_import_export_is_identical(tmp_path: Path) -> None:
    _seed("source")
    _with_linkwell_listing("source")
    first, second = tmp_path / "first", tmp_path / "second"
    call_command("export_directory", str(first), "--scheme", "source", "--format", "csv")
    call_command("import_directory", str(first), "--scheme", "copy")
    call_command("export_directory", str(second), "--scheme", "copy", "--format", "csv")
    names = sorted(p.name for p in first.iterdir())
    assert "datapackage.json" in names and "services.csv" in names
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    with (first / "services.csv").open() as handle:
        assert len(list(csv.DictReader(handle))) == 2


def test_reimporting_an_export_into_its_own_scheme_changes_nothing(tmp_path: Path) -> None:
    _seed("source")
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    call_command("export_directory", str(first), "--scheme", "source")
    pks = sorted(Service.objects.values_list("pk", flat=True))
    call_command("import_directory", str(first), "--scheme", "source")
    call_command("export_directory", str(second), "--scheme", "source")
    assert first.read_bytes() == second.read_bytes()
    assert sorted(Service.objects.values_list("pk", flat=True)) == pks


def test_tables_nest_back_into_the_same_service_objects() -> None:
    feed = read_feed(EXAMPLES / "service_full.json")
    again = feed_from_tables(tables_from_feed(feed))
    original = feed.services[0]
    rebuilt = again.services[0]
    assert rebuilt["name"] == original["name"]
    assert rebuilt["schedules"][0]["byday"] == "TH,FR"
    assert rebuilt["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "ABC 1234"
    assert rebuilt["organization"]["organization_identifiers"][0]["identifier"] == "1234567"


def test_export_refuses_an_unknown_scheme_and_wrong_targets(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no scheme"):
        call_command("export_directory", str(tmp_path / "x.json"), "--scheme", "nowhere")
    new_scheme(slug="here")
    with pytest.raises(CommandError, match="is a folder"):
        call_command("export_directory", str(tmp_path), "--scheme", "here", "--format", "json")
    (tmp_path / "file").write_text("")
    with pytest.raises(CommandError, match="is a file"):
        call_command("export_directory", str(tmp_path / "file"), "--scheme", "here", "--format", "csv")
