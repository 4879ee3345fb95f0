"""`linkwell match` and `linkwell build_match_index`: ranked JSON, and clear errors for bad input."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command

from linkwell.connections.tests.factories import make_service
from linkwell.directory.models import Location, ServiceAtLocation
from linkwell.matching import service as matching
from linkwell.matching.tests.fakes import HashingEncoder
from linkwell.testing.cast import Cast
from linkwell.testing.factories import PostcodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_encoder(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(matching, "encoder_factory", HashingEncoder)
    matching.reset()
    yield
    matching.reset()


@pytest.fixture
def directory(cast: Cast) -> None:
    north = cast.north
    PostcodeFactory.create(postcode="LW1 1AB", latitude=53.2, longitude=-1.45)
    for name, description, lat in (
        ("Park walk", "A gentle walk in the park, then tea", 53.2),
        ("Canal walk", "A longer walk along the canal", 53.21),
        ("Book club", "Reading and talking about books", 53.2),
    ):
        service = make_service(north, name=name, description=description)
        place = Location.objects.create(scheme=north.scheme, name=name, latitude=lat, longitude=-1.45)
        ServiceAtLocation.objects.create(scheme=north.scheme, service=service, location=place)


def _run(*args: str) -> dict[str, object]:
    out = io.StringIO()
    call_command("match", *args, stdout=out)
    result: dict[str, object] = json.loads(out.getvalue())
    return result


def test_it_prints_ranked_services_as_json(cast: Cast, directory: None) -> None:
    result = _run("--scheme", cast.north.scheme.slug, "--text", "walk", "--postcode", "LW1 1AB", "--json")
    rows = result["results"]
    assert isinstance(rows, list)
    assert [r["name"] for r in rows][:2] == ["Park walk", "Canal walk"]
    assert set(rows[0]) == {"service_id", "name", "score", "distance_km", "reasons"}
    assert rows[0]["score"] >= rows[1]["score"] and rows[1]["distance_km"] == pytest.approx(1.11, abs=0.02)


def test_it_takes_coordinates_and_a_limit(cast: Cast, directory: None) -> None:
    result = _run(
        "--scheme",
        cast.north.scheme.slug,
        "--text",
        "walk",
        "--lat",
        "53.2",
        "--lng",
        "-1.45",
        "--limit",
        "1",
        "--json",
    )
    assert [r["name"] for r in result["results"]] == ["Park walk"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scheme", "nowhere", "--text", "walk"], "There is no scheme"),
        (["--text", "walk", "--postcode", "not a postcode"], "Enter a full UK postcode"),
        (["--text", "walk", "--lat", "53.2"], "both --lat and --lng"),
        (["--text", "walk", "--age", "-1"], "--age must not be negative"),
        (["--text", "walk", "--limit", "-3"], "--limit must not be negative"),
    ],
)
def test_it_explains_bad_input(cast: Cast, directory: None, args: list[str], message: str) -> None:
    if "--scheme" not in args:
        args = ["--scheme", cast.north.scheme.slug, *args]
    with pytest.raises(CommandError, match=message):
        call_command("match", *args, stdout=io.StringIO())


def test_bad_input_exits_non_zero_with_the_message_on_stderr(cast: Cast, directory: None) -> None:
    from linkwell.matching.management.commands.match import Command

    err = io.StringIO()
    command = Command(stdout=io.StringIO(), stderr=err)
    with pytest.raises(SystemExit) as exited:
        command.run_from_argv(["linkwell", "match", "--scheme", "nowhere", "--text", "walk"])
    assert exited.value.code != 0 and "There is no scheme" in err.getvalue()


def test_build_match_index_reports_what_it_indexed(cast: Cast, directory: None) -> None:
    out = io.StringIO()
    call_command("build_match_index", "--scheme", cast.north.scheme.slug, stdout=out)
    assert f"{cast.north.scheme.slug}: 3 services indexed" in out.getvalue()
