"""The demo's fictional geography: the town of Wellbrook and its villages, in the made-up LW postcode area."""

from __future__ import annotations

import random
from dataclasses import dataclass

# Incode letters never use C, I, K, M, O or V.
INCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass(frozen=True)
class District:
    outcode: str
    place: str
    latitude: float
    longitude: float
    imd_deciles: tuple[int, ...]  # deprivation deciles its postcodes are drawn from (1 = most deprived)
    weight: int  # relative number of residents


DISTRICTS = [
    District("LW1", "Wellbrook town centre", 53.2010, -1.4520, (1, 2, 2, 3), 22),
    District("LW2", "Wellbrook North (Millfield)", 53.2190, -1.4480, (1, 1, 2, 3), 18),
    District("LW3", "Wellbrook South (Parkside)", 53.1840, -1.4610, (4, 5, 6, 7), 16),
    District("LW4", "Wellbrook West (Hollins)", 53.2020, -1.4840, (3, 4, 5), 14),
    District("LW5", "Ashby Marsh", 53.2410, -1.4050, (6, 7, 8), 7),
    District("LW6", "Kelby", 53.1650, -1.3900, (7, 8, 9), 6),
    District("LW7", "Thornton Fen", 53.2500, -1.5200, (5, 6, 7), 5),
    District("LW8", "Little Harrow", 53.1500, -1.5300, (8, 9, 10), 5),
    District("LW9", "Oakmere", 53.2250, -1.5650, (6, 7, 8, 9), 7),
]


@dataclass(frozen=True)
class DemoPostcode:
    postcode: str
    outcode: str
    place: str
    latitude: float
    longitude: float
    imd_decile: int


def demo_postcodes(rng: random.Random, per_district: int = 40) -> list[DemoPostcode]:
    """Postcodes for every district, scattered around its centre (town districts ~1 km, villages ~0.5 km)."""
    rows: list[DemoPostcode] = []
    for district in DISTRICTS:
        spread = 0.008 if district.outcode in {"LW1", "LW2", "LW3", "LW4"} else 0.004
        seen: set[str] = set()
        while len(seen) < per_district:
            incode = f"{rng.randint(1, 9)}{rng.choice(INCODE_LETTERS)}{rng.choice(INCODE_LETTERS)}"
            code = f"{district.outcode} {incode}"
            if code in seen:
                continue
            seen.add(code)
            rows.append(
                DemoPostcode(
                    postcode=code,
                    outcode=district.outcode,
                    place=district.place,
                    latitude=round(district.latitude + rng.uniform(-spread, spread), 5),
                    longitude=round(district.longitude + rng.uniform(-spread * 1.6, spread * 1.6), 5),
                    imd_decile=rng.choice(district.imd_deciles),
                )
            )
    return rows
