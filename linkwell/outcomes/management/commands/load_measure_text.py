"""Load a deployment's licensed item wording for a built-in measure (e.g. SWEMWBS) from its own file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwell.outcomes.scoring import BUILT_IN_MEASURES
from linkwell.outcomes.services import measure_text_load

HELP_FORMATS = (
    'JSON: {"items": {"1": "wording", ...}, "options": {"1": "label", ...}} (options optional) or just '
    '{"1": "wording", ...}. CSV: columns item,text (and optionally a second file section is not supported: use JSON '
    "for answer labels)."
)


def _read(path: Path) -> tuple[dict[str, str], dict[str, str] | None]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"Cannot read {path}: {error}") from None
    if path.suffix.lower() == ".json":
        try:
            data: Any = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(f"{path} is not valid JSON: {error}") from None
        if isinstance(data, dict) and "items" in data:
            items, options = data.get("items"), data.get("options")
        else:
            items, options = data, None
        if not isinstance(items, dict) or (options is not None and not isinstance(options, dict)):
            raise CommandError(f"{path} must map item numbers to wording. {HELP_FORMATS}")
        return {str(k): v for k, v in items.items()}, ({str(k): v for k, v in options.items()} if options else None)
    try:
        rows = list(csv.DictReader(io.StringIO(text)))
    except csv.Error as error:
        raise CommandError(f"{path} is not valid CSV: {error}") from None
    if not rows or not {"item", "text"} <= set(rows[0]):
        raise CommandError(f"{path} needs the columns item,text. {HELP_FORMATS}")
    wording: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        key = (row.get("item") or "").strip()
        if key in wording:
            raise CommandError(f"Line {line}: item {key} appears twice.")
        wording[key] = row.get("text") or ""
    return wording, None


class Command(BaseCommand):
    help = "Load licensed item wording for a built-in measure from a JSON or CSV file (never kept in the repository)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("measure", choices=sorted(BUILT_IN_MEASURES), help="The measure's code, e.g. swemwbs")
        parser.add_argument("path", type=Path, help="The deployment's licensed wording file (.json or .csv)")

    def handle(self, *args: Any, **options: Any) -> None:
        items, labels = _read(options["path"])
        try:
            measure_text_load(code=options["measure"], items=items, options=labels)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Loaded wording for {len(items)} items of {options['measure']}.")
