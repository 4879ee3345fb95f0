"""`linkwell build_match_index`: embed a scheme's directory ahead of time and report how long it took."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from linkwell.accounts.models import Scheme
from linkwell.matching import service as matching


class Command(BaseCommand):
    help = "Build the match index of one scheme (or every active scheme), optionally saving it to a folder."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--scheme", help="The scheme's slug (default: every active scheme)")
        parser.add_argument("--save", help="Write each index to this path (the scheme's slug is appended)")

    def handle(self, *args: Any, **options: Any) -> None:
        schemes = Scheme.objects.filter(is_active=True).order_by("slug")
        if options["scheme"]:
            schemes = Scheme.objects.filter(slug=options["scheme"])
            if not schemes.exists():
                raise CommandError(f"There is no scheme {options['scheme']!r}")
        for scheme in schemes:
            started = time.perf_counter()
            index = matching.build_index(scheme)
            took = time.perf_counter() - started
            if options["save"]:
                index.save(f"{options['save']}-{scheme.slug}")
            self.stdout.write(f"{scheme.slug}: {len(index)} services indexed in {took:.1f} s")
