"""Import GP appointment counts: `linkwell import-appointments PATH --scheme SLUG`.

Columns: nhs_number,referral_date,appointments_before,appointments_after (12 months before and after the
referral). Every row is checked; bad rows are listed with their line numbers and left out, the valid rows are
imported in one transaction, and a file that cannot be read changes nothing and exits with an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwell.outcomes.appointments import COLUMNS, UnreadableFile, parse_appointments
from linkwell.outcomes.services import appointment_counts_import

from ._scheme import scheme_by_slug

MAX_BYTES = 50 * 1024 * 1024


class Command(BaseCommand):
    help = f"Import GP appointment counts from a CSV with columns {','.join(COLUMNS)}."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--scheme", required=True, help="The scheme's slug")

    def handle(self, *args: Any, **options: Any) -> None:
        scheme = scheme_by_slug(options["scheme"])
        path: Path = options["path"]
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MB; split it.")
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        try:
            rows, problems = parse_appointments(data, scheme)
        except UnreadableFile as error:
            raise CommandError(f"Nothing imported. {error}") from None
        result = appointment_counts_import(scheme=scheme, rows=rows, source=path.name, problems=problems)
        for line, message in result.problems:
            self.stderr.write(f"Line {line}: {message}")
        self.stdout.write(
            f"Imported {result.created + result.updated} rows ({result.created} new, {result.updated} updated); "
            f"{len(result.problems)} rows left out."
        )
