"""`linkwell rebuild-insights [--scheme SLUG]`: recompute the dashboard's summary rows from the source tables."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwell.accounts.models import Scheme
from linkwell.insights.facts import rebuild_facts


class Command(BaseCommand):
    help = (
        "Recompute the dashboard's summary rows (one per referral and per connection) from the source tables. "
        "Needed only after writes that bypass the application, such as bulk loads or raw SQL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scheme", metavar="SLUG", help="Only this scheme (default: every scheme).")

    def handle(self, *args: Any, **options: Any) -> None:
        scheme_id = None
        if options["scheme"]:
            scheme = Scheme.objects.filter(slug=options["scheme"]).first()
            if scheme is None:
                raise CommandError(f"No scheme with the slug {options['scheme']!r}")
            scheme_id = scheme.pk
        began = time.perf_counter()
        count = rebuild_facts(scheme_id)
        self.stdout.write(f"Rebuilt the summaries of {count:,} referrals in {time.perf_counter() - began:.1f} s.")
