"""Build the demo scheme: a fictional town with its organisations, a login per role and ~1,000 residents.

Seeded, so the same data comes out every time; written in one transaction, so a failure leaves nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import nhs_number
from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import (
    AuditAction,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    Scheme,
    User,
)
from linkwell.accounts.services import audit_record
from linkwell.casework.demo import build_demo_casework
from linkwell.connections.demo import build_demo_connections
from linkwell.outcomes.demo import build_demo_outcomes
from linkwell.people.models import (
    Consent,
    ConsentGivenBy,
    ConsentMethod,
    ConsentScope,
    ContactMethod,
    EthnicCategory,
    LongTermCondition,
    Person,
    Sex,
)
from linkwell.places.models import Outcode, Postcode
from linkwell.referrals.demo import build_demo_referrals

from .directory import build_demo_directory
from .names import FAMILY, GIVEN_FEMALE, GIVEN_MALE, STREETS
from .places import DISTRICTS, demo_postcodes

DEMO_SLUG = "demo"
PLACE_BY_OUTCODE = {d.outcode: d.place for d in DISTRICTS}
DEMO_PASSWORD = "linkwell-demo"  # noqa: S105 — a published demo password for fictional accounts only
SEED = 20261123

GP_PRACTICES = [
    ("Millfield Medical Centre", "Z99001", "LW2"),
    ("Wellbrook Health Centre", "Z99002", "LW1"),
    ("Parkside Surgery", "Z99003", "LW3"),
    ("Hollins Road Practice", "Z99004", "LW4"),
    ("Ashby Marsh Surgery", "Z99005", "LW5"),
    ("Oakmere and Thornton Fen Practice", "Z99006", "LW9"),
]

VOLUNTARY_PROVIDERS = [
    "Wellbrook Walking Group",
    "Wellbrook Men's Shed",
    "Age Well Wellbrook",
    "Millfield Community Choir",
    "Wellbrook Citizens Advice",
    "Parkside Allotment Society",
    "Wellbrook Carers Centre",
    "Brookside Befrienders",
    "Wellbrook Leisure Trust",
    "Hollins Art Club",
    "Wellbrook Library Service",
    "Oakmere Village Hall Trust",
    "Kelby Good Neighbours",
    "Thornton Fen Cricket Club",
    "Wellbrook Foodbank",
    "Wellbrook Mind",
    "Cruse Wellbrook Bereavement Support",
    "Wellbrook Housing Advice",
    "Millfield Job Club",
    "Wellbrook Volunteer Centre",
    "Ashby Marsh Gardening Friends",
    "Wellbrook Recovery Network",
    "Wellbrook Strollers (buggy walks)",
    "The Brew Café Peer Support",
    "Wellbrook Parkinson's Group",
    "Breathe Easy Wellbrook",
    "Wellbrook Dementia Friends",
    "Little Harrow Lunch Club",
    "Wellbrook Mosque Community Hub",
    "Wellbrook African Caribbean Centre",
    "Polish Saturday Club Wellbrook",
    "Wellbrook Adult Learning",
    "Wellbrook Swimming Club",
    "Canal Side Anglers",
]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    name: str
    organisation: str


def _nhs_number(rng: random.Random, used: set[str]) -> str:
    """A number in the synthetic range (999…), never issued to a real patient, with a valid checksum."""
    while True:
        stem = "999" + "".join(str(rng.randint(0, 9)) for _ in range(6))
        check = nhs_number.calculate_checksum(stem)
        if check is None or check == 10:
            continue
        number = f"{stem}{check}"
        if number not in used:
            used.add(number)
            return number


def _birth_date(rng: random.Random, today: dt.date) -> dt.date:
    # Referred people skew older: a third are over 70.
    age = int(min(98, max(18, rng.choice([rng.gauss(72, 9), rng.gauss(48, 15), rng.gauss(30, 8)]))))
    return today - dt.timedelta(days=age * 365 + rng.randint(0, 364))


def _ethnicity(rng: random.Random) -> str:
    table = [
        (EthnicCategory.WHITE_BRITISH, 70),
        (EthnicCategory.WHITE_OTHER, 5),
        (EthnicCategory.WHITE_IRISH, 1),
        (EthnicCategory.ASIAN_PAKISTANI, 4),
        (EthnicCategory.ASIAN_INDIAN, 3),
        (EthnicCategory.ASIAN_BANGLADESHI, 1),
        (EthnicCategory.BLACK_AFRICAN, 3),
        (EthnicCategory.BLACK_CARIBBEAN, 2),
        (EthnicCategory.MIXED_WHITE_BLACK_CARIBBEAN, 1),
        (EthnicCategory.MIXED_OTHER, 1),
        (EthnicCategory.CHINESE, 1),
        (EthnicCategory.OTHER, 1),
        (EthnicCategory.NOT_STATED, 4),
        (EthnicCategory.NOT_KNOWN, 3),
    ]
    codes, weights = zip(*table, strict=True)
    return str(rng.choices(codes, weights=weights)[0])


def demo_logins() -> list[DemoLogin]:
    """The sign-ins the demo prints: one per role."""
    return [
        DemoLogin("Referrer (GP)", "gp@demo.linkwell.example", "Dr Helen Marsh", "Millfield Medical Centre"),
        DemoLogin(
            "Link worker",
            "linkworker@demo.linkwell.example",
            "Sam Okafor",
            "Wellbrook Social Prescribing Service",
        ),
        DemoLogin(
            "Provider (two organisations)",
            "provider@demo.linkwell.example",
            "Pat Fletcher",
            "Wellbrook Walking Group, Wellbrook Men's Shed",
        ),
        DemoLogin("Volunteer", "volunteer@demo.linkwell.example", "Joy Mensah", "Wellbrook Volunteer Centre"),
        DemoLogin(
            "Scheme manager",
            "manager@demo.linkwell.example",
            "Priya Shah",
            "Wellbrook Social Prescribing Service",
        ),
        DemoLogin(
            "Administrator",
            "admin@demo.linkwell.example",
            "Alex Wood",
            "Wellbrook Social Prescribing Service",
        ),
    ]


def demo_exists() -> bool:
    return Scheme.objects.filter(slug=DEMO_SLUG).exists()


def build_demo(*, people: int = 1000, seed: int = SEED) -> Scheme:
    """Create the demo scheme from scratch in one transaction."""
    rng = random.Random(seed)
    today = timezone.localdate()
    with transaction.atomic():
        scheme = Scheme.objects.create(
            slug=DEMO_SLUG,
            name="Wellbrook Social Prescribing",
            area_description=(
                "The town of Wellbrook and the villages of Ashby Marsh, Kelby, Thornton Fen, Little Harrow"
                " and Oakmere (fictional)"
            ),
            default_prescription_weeks=12,
            allow_direct_booking=True,
        )
        postcodes = demo_postcodes(rng)
        Postcode.objects.bulk_create(
            [
                Postcode(
                    postcode=p.postcode,
                    outcode=p.outcode,
                    place=p.place,
                    latitude=p.latitude,
                    longitude=p.longitude,
                    imd_decile=p.imd_decile,
                    is_demo=True,
                )
                for p in postcodes
            ],
            ignore_conflicts=True,
        )
        Outcode.objects.bulk_create(
            [Outcode(outcode=d.outcode, latitude=d.latitude, longitude=d.longitude) for d in DISTRICTS],
            ignore_conflicts=True,
        )
        by_outcode: dict[str, list[str]] = {}
        for p in postcodes:
            by_outcode.setdefault(p.outcode, []).append(p.postcode)

        def org(name: str, kind: str, outcode: str = "LW1", ods: str = "") -> Organisation:
            return Organisation.objects.create(
                scheme=scheme,
                name=name,
                kind=kind,
                ods_code=ods,
                postcode=rng.choice(by_outcode[outcode]),
                address=f"{rng.randint(1, 80)} {rng.choice(STREETS)}, {PLACE_BY_OUTCODE[outcode]}",
                phone=f"01632 960{rng.randint(0, 999):03d}",  # Ofcom's range reserved for drama
                email=f"hello@{name.lower().replace(' ', '').replace("'", '')[:24]}.example.org",
            )

        link_service = org("Wellbrook Social Prescribing Service", OrganisationKind.LINK_WORKER_SERVICE)
        practices = [org(name, OrganisationKind.GP_PRACTICE, outcode, ods) for name, ods, outcode in GP_PRACTICES]
        org("Brook Street Pharmacy", OrganisationKind.PHARMACY, "LW1", "FZ991")
        org("Wellbrook Council Adult Social Care", OrganisationKind.COUNCIL_TEAM, "LW1")
        org("Wellbrook Community Mental Health Team", OrganisationKind.NHS_TEAM, "LW1")
        providers = {
            name: org(name, OrganisationKind.VOLUNTARY_PROVIDER, rng.choice([d.outcode for d in DISTRICTS]))
            for name in VOLUNTARY_PROVIDERS
        }

        def user(email: str, name: str, title: str) -> User:
            given, family = name.replace("Dr ", "").split(" ", 1)
            return User.objects.create_user(email, DEMO_PASSWORD, first_name=given, last_name=family, job_title=title)

        gp = user("gp@demo.linkwell.example", "Dr Helen Marsh", "GP")
        link_worker = user("linkworker@demo.linkwell.example", "Sam Okafor", "Link worker")
        provider = user("provider@demo.linkwell.example", "Pat Fletcher", "Group coordinator")
        volunteer = user("volunteer@demo.linkwell.example", "Joy Mensah", "Volunteer befriender")
        manager = user("manager@demo.linkwell.example", "Priya Shah", "Social prescribing lead")
        admin = user("admin@demo.linkwell.example", "Alex Wood", "Systems administrator")
        second_worker = user("linkworker2@demo.linkwell.example", "Rachel Booth", "Link worker")
        nurse = user("nurse@demo.linkwell.example", "Gareth Hughes", "Practice nurse")
        Membership.objects.bulk_create(
            [
                Membership(user=gp, organisation=practices[0], role=Role.REFERRER),
                Membership(user=nurse, organisation=practices[1], role=Role.REFERRER),
                Membership(user=link_worker, organisation=link_service, role=Role.LINK_WORKER),
                Membership(user=second_worker, organisation=link_service, role=Role.LINK_WORKER),
                Membership(user=provider, organisation=providers["Wellbrook Walking Group"], role=Role.PROVIDER),
                Membership(user=provider, organisation=providers["Wellbrook Men's Shed"], role=Role.PROVIDER),
                Membership(user=volunteer, organisation=providers["Wellbrook Volunteer Centre"], role=Role.VOLUNTEER),
                Membership(user=manager, organisation=link_service, role=Role.SCHEME_MANAGER),
                Membership(user=admin, organisation=link_service, role=Role.ADMIN),
            ]
        )

        district_weights = [d.weight for d in DISTRICTS]
        practice_for_outcode = {outcode: practices[i] for i, (_, _, outcode) in enumerate(GP_PRACTICES)}
        used_numbers: set[str] = set()
        conditions = list(LongTermCondition.values)
        residents: list[Person] = []
        for _ in range(people):
            sex = rng.choices([Sex.FEMALE, Sex.MALE, Sex.NOT_KNOWN, Sex.INDETERMINATE], weights=[56, 42, 1.5, 0.5])[0]
            given = rng.choice(
                GIVEN_FEMALE if sex == Sex.FEMALE else GIVEN_MALE if sex == Sex.MALE else GIVEN_FEMALE + GIVEN_MALE
            )
            family = rng.choice(FAMILY)
            district = rng.choices(DISTRICTS, weights=district_weights)[0]
            postcode = rng.choice(by_outcode[district.outcode])
            located = next(p for p in postcodes if p.postcode == postcode)
            method = rng.choices(list(ContactMethod.values), weights=[60, 20, 10, 7, 3])[0]
            practice = practice_for_outcode.get(district.outcode) or rng.choice(practices)
            n_conditions = rng.choices([0, 1, 2, 3, 4], weights=[30, 30, 22, 12, 6])[0]
            language, interpreter = "English", False
            if rng.random() < 0.06:
                language, interpreter = (
                    rng.choice(["Polish", "Urdu", "Punjabi", "Bengali", "Arabic", "Somali", "Cantonese"]),
                    rng.random() < 0.6,
                )
            residents.append(
                Person(
                    scheme=scheme,
                    given_name=given,
                    family_name=family,
                    date_of_birth=_birth_date(rng, today),
                    nhs_number=_nhs_number(rng, used_numbers) if rng.random() < 0.9 else "",
                    address_line_1=f"{rng.randint(1, 140)} {rng.choice(STREETS)}",
                    town=district.place.split(" (")[0],
                    postcode=postcode,
                    latitude=located.latitude,
                    longitude=located.longitude,
                    phone=f"07700 900{rng.randint(0, 999):03d}"
                    if method != ContactMethod.LETTER or rng.random() < 0.5
                    else "",
                    email=f"{given.lower()}.{family.lower().replace("'", '')}{rng.randint(1, 99)}@example.com"
                    if rng.random() < 0.4 or method == ContactMethod.EMAIL
                    else "",
                    preferred_contact_method=method,
                    interpreter_needed=interpreter,
                    language=language,
                    sex=sex,
                    ethnic_category=_ethnicity(rng),
                    long_term_conditions=sorted(rng.sample(conditions, n_conditions)),
                    registered_practice=practice,
                    created_by=link_worker,
                    created_by_organisation=link_service,
                    created_at=timezone.now() - dt.timedelta(days=rng.randint(0, 540)),
                )
            )
        Person.objects.bulk_create(residents, batch_size=500)
        saved = list(Person.objects.filter(scheme=scheme).order_by("pk"))
        consents = []
        for person in saved:
            recorded = person.created_at
            consents.append(
                Consent(
                    person=person,
                    scope=ConsentScope.REFER,
                    granted=True,
                    method=ConsentMethod.VIA_REFERRER,
                    given_by=ConsentGivenBy.PERSON,
                    recorded_at=recorded,
                    recorded_by=gp,
                    recorded_by_organisation=practices[0],
                )
            )
            if rng.random() < 0.85:
                consents.append(
                    Consent(
                        person=person,
                        scope=ConsentScope.SHARE_WITH_PROVIDERS,
                        granted=True,
                        method=ConsentMethod.VERBAL,
                        given_by=ConsentGivenBy.PERSON,
                        recorded_at=recorded,
                        recorded_by=link_worker,
                        recorded_by_organisation=link_service,
                    )
                )
            if rng.random() < 0.6:
                consents.append(
                    Consent(
                        person=person,
                        scope=ConsentScope.EVALUATION,
                        granted=rng.random() < 0.9,
                        method=ConsentMethod.VERBAL,
                        given_by=ConsentGivenBy.PERSON,
                        recorded_at=recorded,
                        recorded_by=link_worker,
                        recorded_by_organisation=link_service,
                    )
                )
        Consent.objects.bulk_create(consents, batch_size=1000)
        build_demo_directory(scheme, seed=seed)
        build_demo_referrals(scheme, rng)
        build_demo_casework(scheme, rng)
        build_demo_connections(scheme, rng)
        build_demo_outcomes(scheme, rng)
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            obj=scheme,
            scheme=scheme,
            summary=f"Demo data created: {len(saved)} people, {len(practices) + len(providers) + 4} organisations",
        )
    return scheme
