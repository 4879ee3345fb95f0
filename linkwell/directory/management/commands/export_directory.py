"""`linkwell export-directory --scheme SLUG --format json|csv PATH`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwell.accounts.models import Scheme
from linkwell.interop.openreferral.exporter import export_csv, export_json


class Command(BaseCommand):
    help = (
        "Export a scheme's directory as ORUK JSON (an array of full service objects, to a file) or as an "
        "HSDS CSV data package (datapackage.json and CSVs, into a folder)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--scheme", required=True, help="the scheme's slug")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        scheme = Scheme.objects.filter(slug=options["scheme"]).first()
        if scheme is None:
            raise CommandError(f"There is no scheme {options['scheme']!r}")
        path: Path = options["path"]
        if options["format"] == "json":
            if path.is_dir():
                raise CommandError(f"{path} is a folder; JSON export writes a file")
            count = export_json(scheme, path)
        else:
            if path.exists() and not path.is_dir():
                raise CommandError(f"{path} is a file; CSV export writes a folder")
            count = export_csv(scheme, path)
        self.stdout.write(f"Exported {count} service(s) from {scheme.slug} to {path}")
