"""Importing ORUK examples, the ORUK validator's mock feeds and HSDS CSV packages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from linkwell.accounts.models import AuditEvent, Scheme
from linkwell.directory.models import (
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceVersion,
    TaxonomyTerm,
)
from linkwell.directory.tests.schemes import new_scheme
from linkwell.interop.openreferral.importer import FeedUnreadable, import_feed, import_path, read_feed
from linkwell.interop.openreferral.mapping import feed_from_json

from .oruk_files import EXAMPLES, HSDS_CSV, MOCKS

pytestmark = pytest.mark.django_db

FEED_FILES = sorted(
    [*EXAMPLES.glob("*.json"), *(MOCKS / "V3.0-UK-Default").glob("*.json"), *(MOCKS / "V3.0-UK-Test").glob("*.json")]
)
EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b"


def counts() -> dict[str, int]:
    return {
        "services": Service.objects.count(),
        "organizations": Organization.objects.count(),
        "locations": Location.objects.count(),
        "sals": ServiceAtLocation.objects.count(),
        "schedules": Schedule.objects.count(),
        "terms": TaxonomyTerm.objects.count(),
    }


@pytest.mark.parametrize("path", FEED_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_it_imports_every_oruk_example_and_mock_feed_file_without_rejecting_a_record(path: Path) -> None:
    scheme = new_scheme(slug="imported")
    report = import_feed(scheme=scheme, feed=read_feed(path))
    assert report.problems == []
    if path.name in {"api_details.json", "dashboard_services_response.json", "dashboard_service_details_response.json"}:
        assert report.imported == 0
    else:
        assert report.imported > 0


def test_it_imports_the_full_example_service_with_its_children() -> None:
    scheme = new_scheme(slug="imported")
    import_feed(scheme=scheme, feed=read_feed(EXAMPLES / "service_full.json"))
    service = Service.objects.get(scheme=scheme, hsds_id=EXAMPLE_SERVICE)
    assert service.name == "Community Counselling"
    assert (service.minimum_age, service.maximum_age) == (12, 100)
    assert service.organization is not None and service.organization.name == "Example Organization Inc."
    schedule = service.schedules.get()
    assert schedule.weekdays == ["TH", "FR"]
    assert str(schedule.opens_at) == "10:00:00"
    location = service.service_at_locations.get().location
    assert location.addresses.get().postal_code == "ABC 1234"
    assert location.postcode == ""  # not a UK postcode, so no proximity, but the address is kept
    assert location.accessibility.count() == 1
    assert service.cost_options.get().amount == 35
    assert service.attributes.get().taxonomy_term.name == "name"
    assert service.versions.get().source == "import"


def test_the_test_feeds_128_list_items_share_one_id_and_become_one_service() -> None:
    scheme = new_scheme(slug="imported")
    feed = read_feed(MOCKS / "V3.0-UK-Test" / "service_list.json")
    assert len(feed.services) == 128
    report = import_feed(scheme=scheme, feed=feed)
    assert report.problems == []
    assert Service.objects.for_scheme(scheme).count() == 1
    assert report.updated["services"] == 127


def test_it_imports_a_whole_feed_folder_into_one_scheme_without_duplicates() -> None:
    scheme = new_scheme(slug="imported")
    files = sorted((MOCKS / "V3.0-UK-Default").glob("*.json"))
    for path in files:
        import_feed(scheme=scheme, feed=read_feed(path))
    first = counts()
    pks = set(Service.objects.values_list("pk", flat=True))
    for path in files:
        import_feed(scheme=scheme, feed=read_feed(path))
    assert counts() == first
    assert set(Service.objects.values_list("pk", flat=True)) == pks


def test_reimporting_the_same_file_updates_in_place_and_keeps_ids() -> None:
    scheme = new_scheme(slug="imported")
    import_feed(scheme=scheme, feed=read_feed(EXAMPLES / "service_full.json"))
    service = Service.objects.get()
    location = Location.objects.get()
    data = json.loads((EXAMPLES / "service_full.json").read_text())
    data["name"] = "Community Counselling (renamed)"
    report = import_feed(scheme=scheme, feed=feed_from_json(data))
    assert report.updated["services"] == 1
    service.refresh_from_db()
    assert service.name == "Community Counselling (renamed)"
    assert Location.objects.get().pk == location.pk
    assert Service.objects.count() == 1
    latest = service.versions.order_by("-number").first()
    assert latest is not None and latest.changes["name"] == ["Community Counselling", "Community Counselling (renamed)"]


def test_the_same_feed_can_live_in_two_schemes() -> None:
    for slug in ("one", "two"):
        import_feed(scheme=new_scheme(slug=slug), feed=read_feed(EXAMPLES / "service_full.json"))
    assert Service.objects.filter(hsds_id=EXAMPLE_SERVICE).count() == 2


def test_the_fail_feeds_bad_records_are_reported_with_id_and_reason_and_nothing_is_half_written() -> None:
    scheme = new_scheme(slug="imported")
    before = counts()
    report = import_feed(scheme=scheme, feed=read_feed(MOCKS / "V3.0-UK-Fail" / "service_full.json"))
    assert [(p.kind, p.id) for p in report.problems] == [("service", EXAMPLE_SERVICE)]
    assert "email" in report.problems[0].reason
    # The service's organization, locations and schedules were rolled back with it.
    assert counts() == before

    report = import_feed(scheme=scheme, feed=read_feed(MOCKS / "V3.0-UK-Fail" / "service_list.json"))
    assert len(report.problems) == 4
    assert all("name" in p.reason for p in report.problems)
    assert counts() == before


def test_good_records_import_alongside_bad_ones() -> None:
    scheme = new_scheme(slug="imported")
    good = json.loads((EXAMPLES / "service_full.json").read_text())
    bad = {**good, "id": "0b6c3a4e-6f5e-4e61-9d7e-0a8c1e0f0b11", "minimum_age": "twelve"}
    no_id = {"name": "Nameless", "status": "active"}
    report = import_feed(scheme=scheme, feed=feed_from_json([bad, good, no_id]))
    assert {p.id: p.reason for p in report.problems} == {
        bad["id"]: "minimum_age: 'twelve' is not a number",
        "": "missing required id",
    }
    assert list(Service.objects.values_list("hsds_id", flat=True).order_by()) != []
    assert Service.objects.get().name == "Community Counselling"


def test_strict_mode_keeps_nothing_when_a_record_is_bad() -> None:
    good = json.loads((EXAMPLES / "service_full.json").read_text())
    bad = {**good, "id": "0b6c3a4e-6f5e-4e61-9d7e-0a8c1e0f0b11", "status": "open"}
    report = import_feed(scheme=new_scheme(slug="s"), feed=feed_from_json([good, bad]), strict=True)
    assert len(report.problems) == 1 and "status" in report.problems[0].reason
    assert Service.objects.count() == 0


def test_null_is_treated_as_absent() -> None:
    data = json.loads((EXAMPLES / "service_full.json").read_text())
    data.update({"description": None, "minimum_age": None, "schedules": None, "url": ""})
    scheme = new_scheme(slug="imported")
    report = import_feed(scheme=scheme, feed=feed_from_json(data))
    assert report.problems == []
    service = Service.objects.get()
    assert (service.description, service.minimum_age, service.url) == ("", None, "")
    assert service.schedules.count() == 0


def test_text_longer_than_its_column_is_rejected_the_same_way_on_every_database() -> None:
    data = json.loads((EXAMPLES / "service_full.json").read_text())
    data["name"] = "x" * 400
    report = import_feed(scheme=new_scheme(slug="s"), feed=feed_from_json(data))
    assert report.problems[0].reason == "name: longer than 300 characters"


def test_a_file_that_cannot_be_parsed_changes_nothing_and_the_command_fails(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('[{"id": "ac148810-d857-441c-9679-408f346de14b", "name": ')
    with pytest.raises(FeedUnreadable):
        import_path(path=broken, scheme_slug="new-scheme")
    with pytest.raises(CommandError, match=r"Nothing imported: .*not valid JSON"):
        call_command("import_directory", str(broken), "--scheme", "new-scheme")
    assert not Scheme.objects.filter(slug="new-scheme").exists()
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_directory", str(tmp_path / "missing.json"), "--scheme", "new-scheme")
    scalar = tmp_path / "scalar.json"
    scalar.write_text("42")
    with pytest.raises(CommandError, match="expected an object"):
        call_command("import_directory", str(scalar), "--scheme", "new-scheme")


def test_the_command_creates_the_scheme_and_reports_rejected_records(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("import_directory", str(MOCKS / "V3.0-UK-Fail" / "service_list.json"), "--scheme", "fail-feed")
    call_command("import_directory", str(EXAMPLES / "service_full.json"), "--scheme", "fail-feed")
    out, err = capsys.readouterr()
    assert Scheme.objects.get(slug="fail-feed").name == "Fail Feed"
    assert f"Rejected service {EXAMPLE_SERVICE}: missing required name" in err
    assert "services: 1 new, 0 updated" in out
    assert AuditEvent.objects.filter(summary__startswith="Directory import").count() == 2


@pytest.mark.parametrize("folder", [EXAMPLES / "csv", HSDS_CSV], ids=["oruk-csv", "hsds-csv"])
def test_it_imports_the_csv_example_packages(folder: Path) -> None:
    scheme = new_scheme(slug="csv")
    report = import_feed(scheme=scheme, feed=read_feed(folder))
    assert report.problems == []
    service = Service.objects.get(scheme=scheme)
    assert service.name == "Community Counselling"
    assert service.organization is not None
    assert service.service_at_locations.get().location.addresses.count() == 1
    assert service.schedules.count() + Schedule.objects.filter(service_at_location__service=service).count() >= 1
    assert TaxonomyTerm.objects.filter(scheme=scheme).exists()


def test_import_versions_only_real_changes() -> None:
    scheme = new_scheme(slug="imported")
    feed = read_feed(EXAMPLES / "service_full.json")
    import_feed(scheme=scheme, feed=feed)
    import_feed(scheme=scheme, feed=feed)
    assert ServiceVersion.objects.count() == 1


def test_a_csv_package_that_cannot_be_read_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "services.csv").write_text("name,status\nWalk,active\n")
    with pytest.raises(CommandError, match=r"services\.csv has no id column"):
        call_command("import_directory", str(tmp_path), "--scheme", "csv-scheme")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CommandError, match=r"has no services\.csv"):
        call_command("import_directory", str(empty), "--scheme", "csv-scheme")
    assert not Scheme.objects.filter(slug="csv-scheme").exists()
