"""Print a scheme's paired change per reported score: `linkwell evaluate --scheme SLUG [--from --to] [--json]`."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwell.outcomes.evaluation import evaluate, gp_change

from ._scheme import date_arg, scheme_by_slug


def _fmt(value: float | int | None, places: int = 2) -> str:
    if value is None:
        return "–"
    return f"{value:.{places}f}" if isinstance(value, float) else str(value)


class Command(BaseCommand):
    help = (
        "Change from baseline to follow-up (follow-up minus baseline) per reported score, among people with "
        "both, with a 95% t-distribution CI, effect size (d_z) and the number lost to follow-up. Dates filter "
        "by the baseline's date."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scheme", required=True, help="The scheme's slug")
        parser.add_argument("--from", dest="date_from", type=date_arg, help="First baseline date (YYYY-MM-DD)")
        parser.add_argument("--to", dest="date_to", type=date_arg, help="Last baseline date (YYYY-MM-DD)")
        parser.add_argument("--json", action="store_true", help="Print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        scheme = scheme_by_slug(options["scheme"])
        date_from, date_to = options["date_from"], options["date_to"]
        if date_from and date_to and date_from > date_to:
            raise CommandError("--from must not be after --to.")
        measures = evaluate(scheme, date_from, date_to)
        if options["json"]:
            self.stdout.write(json.dumps({"measures": measures}, indent=2))
            return
        self.stdout.write(f"{scheme.name}: change from baseline to follow-up (follow-up minus baseline)")
        self.stdout.write(f"{'score':<24}{'n':>6}{'change':>9}{'95% CI':>20}{'d_z':>8}{'lost':>6}")
        for code, row in measures.items():
            ci = f"{_fmt(row['ci_low'])} to {_fmt(row['ci_high'])}"
            self.stdout.write(
                f"{code:<24}{row['n_paired']:>6}{_fmt(row['mean_change']):>9}{ci:>20}"
                f"{_fmt(row['effect_size']):>8}{row['lost_to_follow_up']:>6}"
            )
        gp = gp_change(scheme, date_from, date_to)
        if gp.n:
            self.stdout.write(
                f"GP appointments (12 months after minus before), n={gp.n}: {_fmt(gp.mean_change)} "
                f"(95% CI {_fmt(gp.ci_low)} to {_fmt(gp.ci_high)})"
            )
