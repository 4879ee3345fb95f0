"""`linkwell match`: the shortlist for a few words and facts about a person, from the command line."""

from __future__ import annotations

import json
import math
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from linkwell.accounts.models import Scheme
from linkwell.matching import service as matching
from linkwell.matching.adapters import PlaceNotFound, place_of_postcode
from linkwell.matching.types import Query, outcode_of


class Command(BaseCommand):
    help = "Rank a scheme's directory services for a description of a person's situation."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--scheme", required=True, help="The scheme's slug")
        parser.add_argument("--text", required=True, help="What the referral says, in everyday words")
        parser.add_argument("--postcode", help="The person's postcode (for distance)")
        parser.add_argument("--lat", type=float)
        parser.add_argument("--lng", type=float)
        parser.add_argument("--age", type=int)
        parser.add_argument("--sex", choices=["female", "male"])
        parser.add_argument("--need", action="append", default=[], help="A need code; repeat for more")
        parser.add_argument("--free-only", action="store_true")
        parser.add_argument("--max-km", type=float, default=8.0)
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            scheme = Scheme.objects.get(slug=options["scheme"])
        except Scheme.DoesNotExist:
            raise CommandError(f"There is no scheme {options['scheme']!r}") from None
        for name in ("age", "limit"):
            if options[name] is not None and options[name] < 0:
                raise CommandError(f"--{name} must not be negative")
        if options["max_km"] < 0 or not math.isfinite(options["max_km"]):
            raise CommandError("--max-km must be a distance of 0 or more")
        lat, lng, outcode = options["lat"], options["lng"], None
        if (lat is None) != (lng is None):
            raise CommandError("Give both --lat and --lng, or neither")
        if options["postcode"]:
            if lat is not None:
                raise CommandError("Give --postcode or --lat/--lng, not both")
            try:
                lat, lng, postcode = place_of_postcode(options["postcode"])
            except PlaceNotFound as error:
                raise CommandError(str(error)) from None
            outcode = outcode_of(postcode)
        if lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise CommandError("--lat must be within ±90 and --lng within ±180")
        query = Query(
            text=options["text"],
            needs=frozenset(options["need"]),
            lat=lat,
            lng=lng,
            outcode=outcode,
            age=options["age"],
            sex=options["sex"],
            free_only=options["free_only"],
            max_km=options["max_km"],
        )
        found = matching.rank_query(scheme, query, limit=options["limit"])
        results: list[dict[str, Any]] = [
            {
                "service_id": s.match.service.id,
                "name": s.match.service.name,
                "score": s.match.score,
                "distance_km": s.match.distance_km,
                "reasons": s.match.reasons,
            }
            for s in found
        ]
        if options["json"]:
            self.stdout.write(json.dumps({"results": results}, indent=2))
            return
        for rank, result in enumerate(results, 1):
            distance = f"{result['distance_km']:.1f} km" if result["distance_km"] is not None else "—"
            self.stdout.write(f"{rank:>2}. {result['name']} ({result['score']:.3f}, {distance})")
            for reason in result["reasons"]:
                self.stdout.write(f"      {reason}")
