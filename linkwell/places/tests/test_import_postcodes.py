"""`linkwell import-postcodes`: ONS outward-code centroids and postcode coordinates."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from linkwell.places.management.commands.import_postcodes import coordinate, normalise
from linkwell.places.models import Outcode, Postcode
from linkwell.places.postcodes import coordinates_for

pytestmark = pytest.mark.django_db

DATA = Path(settings.BASE_DIR).parent / "shared" / "data"


def test_it_loads_the_outward_code_centroids_and_reloading_changes_nothing() -> None:
    call_command("import_postcodes", str(DATA / "uk_outcode_centroids.csv"))
    assert Outcode.objects.count() == 2995
    ls1 = Outcode.objects.get(outcode="LS1")
    call_command("import_postcodes", str(DATA / "uk_outcode_centroids.csv"))
    assert Outcode.objects.count() == 2995
    assert Outcode.objects.get(outcode="LS1").pk == ls1.pk
    # A full postcode we have no row for falls back to its district's centre.
    assert coordinates_for("LS1 9ZZ") == (ls1.latitude, ls1.longitude)


def test_it_loads_ons_style_postcodes_and_keeps_ones_without_coordinates(tmp_path: Path) -> None:
    ons = tmp_path / "nspl.csv"
    ons.write_text(
        "pcd,pcds,doterm,lat,long\n"
        "LS1 4AP,LS1 4AP,,53.796,-1.548\n"
        "GY1 1AA,GY1 1AA,,99.999999,0.000000\n"
        "XX,not a postcode,,1,1\n"
        "LS2 7EY,LS2 7EY,199901,53.80,-1.55\n"
    )
    call_command("import_postcodes", str(ons))
    assert set(Postcode.objects.values_list("postcode", flat=True)) == {"LS1 4AP", "GY1 1AA", "LS2 7EY"}
    guernsey = Postcode.objects.get(postcode="GY1 1AA")
    assert (guernsey.latitude, guernsey.longitude, guernsey.outcode) == (None, None, "GY1")
    assert coordinates_for("GY1 1AA") is None
    assert coordinates_for("LS1 4AP") == (53.796, -1.548)
    Postcode.objects.all().delete()
    call_command("import_postcodes", str(ons), "--live-only")
    assert not Postcode.objects.filter(postcode="LS2 7EY").exists()


def test_it_loads_the_postcode_sample(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("import_postcodes", str(DATA / "uk_postcode_sample.csv"))
    assert Postcode.objects.count() == 5974
    assert "Loaded 5974 postcodes" in capsys.readouterr().out


def test_a_file_without_the_needed_columns_changes_nothing(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("name,value\nLS1,1\n")
    with pytest.raises(CommandError, match="needs a postcode"):
        call_command("import_postcodes", str(wrong))
    with pytest.raises(CommandError, match="not a file"):
        call_command("import_postcodes", str(tmp_path / "missing.csv"))
    assert not Outcode.objects.exists() and not Postcode.objects.exists()


def test_postcodes_and_coordinates_are_normalised() -> None:
    assert normalise(" ls14ap ") == "LS1 4AP"
    assert normalise("EC1A 1BB") == "EC1A 1BB"
    assert normalise("W1A0AX") == "W1A 0AX"
    assert normalise("GIR 0AA") is None
    assert coordinate("99.999999", 90) is None
    assert coordinate("", 90) is None
    assert coordinate("-1.5", 180) == -1.5
