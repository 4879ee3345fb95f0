"""`linkwell import-postcodes PATH`: load ONS postcode coordinates or outward-code centroids.

Reads, by its header, either a postcode file (ONS NSPL/ONSPD with `pcds`/`pcd`, `lat`, `long`; or
`postcode,latitude,longitude`) into Postcode, or an outward-code centroid file (`outcode,latitude,longitude`)
into Outcode. Rows are upserted, so running it again refreshes coordinates. A postcode without coordinates
(ONS marks those with latitude 99.999999) is kept without them: it still validates, it just has no distance.
The whole file goes in one transaction; a file without the needed columns changes nothing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from linkwell.places.models import Outcode, Postcode

POSTCODE_COLUMNS = ("postcode", "pcds", "pcd", "pcd2", "pcd7", "pcd8")
LATITUDE_COLUMNS = ("latitude", "lat")
LONGITUDE_COLUMNS = ("longitude", "long", "lng", "lon")
TERMINATED_COLUMNS = ("doterm",)
POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
OUTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
BATCH = 5000


def normalise(value: str) -> str | None:
    """ "ls14ap" → "LS1 4AP"; None when it is not postcode-shaped."""
    compact = re.sub(r"\s+", "", value or "").upper()
    match = POSTCODE_RE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else None


def coordinate(value: str | None, limit: float) -> float | None:
    """A latitude/longitude, or None when blank, unparseable or ONS's 'no grid reference' marker."""
    try:
        number = float((value or "").strip())
    except ValueError:
        return None
    if abs(number) > limit or abs(number) >= 99.9:
        return None
    return number


def _column(fieldnames: list[str], options: tuple[str, ...]) -> str | None:
    lowered = {name.strip().lower(): name for name in fieldnames}
    return next((lowered[option] for option in options if option in lowered), None)


class Command(BaseCommand):
    help = "Import ONS postcode coordinates or outward-code centroids from a CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--live-only", action="store_true", help="skip postcodes ONS marks as terminated")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                fieldnames = list(reader.fieldnames or [])
                postcode_column = _column(fieldnames, POSTCODE_COLUMNS)
                outcode_column = _column(fieldnames, ("outcode",))
                latitude = _column(fieldnames, LATITUDE_COLUMNS)
                longitude = _column(fieldnames, LONGITUDE_COLUMNS)
                if not latitude or not longitude or not (postcode_column or outcode_column):
                    raise CommandError(
                        f"{path.name} needs a postcode (or outcode) column and latitude and longitude columns; "
                        f"found: {', '.join(fieldnames) or 'nothing'}"
                    )
                terminated = _column(fieldnames, TERMINATED_COLUMNS) if options["live_only"] else None
                with transaction.atomic():
                    if postcode_column:
                        loaded, skipped = self._postcodes(reader, postcode_column, latitude, longitude, terminated)
                        kind = "postcodes"
                    else:
                        assert outcode_column is not None
                        loaded, skipped = self._outcodes(reader, outcode_column, latitude, longitude)
                        kind = "outward codes"
        except (UnicodeDecodeError, csv.Error) as error:
            raise CommandError(f"{path.name} cannot be read as CSV: {error}") from None
        self.stdout.write(f"Loaded {loaded} {kind} from {path.name}" + (f"; skipped {skipped} rows" if skipped else ""))

    def _postcodes(
        self, reader: Iterator[dict[str, str]], column: str, latitude: str, longitude: str, terminated: str | None
    ) -> tuple[int, int]:
        loaded = skipped = 0
        batch: dict[str, Postcode] = {}
        for row in reader:
            postcode = normalise(row.get(column) or "")
            if postcode is None or (terminated and (row.get(terminated) or "").strip()):
                skipped += 1
                continue
            lat, lon = coordinate(row.get(latitude), 90), coordinate(row.get(longitude), 180)
            if lat is None or lon is None:
                lat = lon = None  # half a coordinate is no coordinate
            batch[postcode] = Postcode(postcode=postcode, outcode=postcode.split(" ")[0], latitude=lat, longitude=lon)
            if len(batch) >= BATCH:
                loaded += self._flush_postcodes(batch)
        loaded += self._flush_postcodes(batch)
        return loaded, skipped

    def _flush_postcodes(self, batch: dict[str, Postcode]) -> int:
        if not batch:
            return 0
        rows = list(batch.values())
        # Demo postcodes (fictional area) are never overwritten: ONS files do not contain them anyway.
        Postcode.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["postcode"], update_fields=["outcode", "latitude", "longitude"]
        )
        batch.clear()
        return len(rows)

    def _outcodes(
        self, reader: Iterator[dict[str, str]], column: str, latitude: str, longitude: str
    ) -> tuple[int, int]:
        loaded = skipped = 0
        batch: dict[str, Outcode] = {}
        for row in reader:
            outcode = (row.get(column) or "").strip().upper()
            lat, lon = coordinate(row.get(latitude), 90), coordinate(row.get(longitude), 180)
            if not OUTCODE_RE.match(outcode) or lat is None or lon is None:
                skipped += 1
                continue
            batch[outcode] = Outcode(outcode=outcode, latitude=lat, longitude=lon)
            if len(batch) >= BATCH:
                loaded += self._flush_outcodes(batch)
        loaded += self._flush_outcodes(batch)
        return loaded, skipped

    def _flush_outcodes(self, batch: dict[str, Outcode]) -> int:
        if not batch:
            return 0
        rows = list(batch.values())
        Outcode.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["outcode"], update_fields=["latitude", "longitude"]
        )
        batch.clear()
        return len(rows)
