"""`linkwell import-directory PATH --scheme SLUG`: load ORUK JSON or an HSDS CSV package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwell.interop.openreferral.importer import FeedUnreadable, import_path


class Command(BaseCommand):
    help = (
        "Import Open Referral (HSDS 3 / ORUK 3) JSON — an array of full service objects, or any ORUK endpoint's "
        "answer — or an HSDS CSV data package (a folder with datapackage.json and CSVs) into a scheme. "
        "The scheme is created if it does not exist. Re-importing updates in place."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--scheme", required=True, help="the scheme's slug")
        parser.add_argument("--strict", action="store_true", help="import nothing if any record is bad")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            scheme, report = import_path(path=options["path"], scheme_slug=options["scheme"], strict=options["strict"])
        except FeedUnreadable as error:
            raise CommandError(f"Nothing imported: {error}") from None
        for problem in report.problems:
            self.stderr.write(f"Rejected {problem}")
        for warning in report.warnings:
            self.stderr.write(f"Warning: {warning}")
        if options["strict"] and report.problems:
            raise CommandError(f"Nothing imported: {len(report.problems)} record(s) rejected (--strict)")
        self.stdout.write(f"Imported into {scheme.slug}: {report.summary()}")
