"""Build the demo: the fictional town of Wellbrook with two social prescribing schemes in one network.

"Wellbrook Social Prescribing" (slug "demo") has its organisations, a login per role and ~1,000 residents.
"Wellbrook Young People's Social Prescribing" (slug "young-people"), for people aged 11 to 25 in the same town, is
a quarter of the size and built by the same code from its own `DemoSchemeSpec` (young_people.py holds what makes
it different). Both share the town's postcodes; the network "North and South test beds" compares them.
Seeded, so the same data comes out every time; written in one transaction, so a failure leaves nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import nhs_number
from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import (
    AuditAction,
    Membership,
    Network,
    Organisation,
    OrganisationKind,
    Role,
    Scheme,
    User,
)
from linkwell.accounts.services import audit_record
from linkwell.casework.demo import WELLBROOK as WELLBROOK_CASEWORK
from linkwell.casework.demo import CaseworkMix, build_demo_casework
from linkwell.connections.demo import build_demo_connections
from linkwell.insights.facts import rebuild_facts
from linkwell.outcomes.demo import build_demo_outcomes
from linkwell.outcomes.models import SchemeOutcomeSettings
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
from linkwell.referrals.demo import WELLBROOK as WELLBROOK_REFERRALS
from linkwell.referrals.demo import ReferralMix, build_demo_referrals

from . import young_people
from .directory import build_demo_directory
from .directory_data import L
from .names import FAMILY, GIVEN_FEMALE, GIVEN_MALE, STREETS, YOUNG_FEMALE, YOUNG_MALE
from .places import DISTRICTS, DemoPostcode, demo_postcodes

DEMO_SLUG = "demo"
YOUNG_PEOPLE_SLUG = "young-people"
PLACE_BY_OUTCODE = {d.outcode: d.place for d in DISTRICTS}
DEMO_PASSWORD = "linkwell-demo"  # noqa: S105 — a published demo password for fictional accounts only
SEED = 20261123
NETWORK_EMAIL = "network@demo.linkwell.example"

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


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    title: str


@dataclass(frozen=True)
class DemoSchemeSpec:
    """What differs between the demo's schemes; `_build_scheme` builds each the same way from one of these."""

    slug: str
    name: str
    area_description: str
    settings: Mapping[str, int | bool]  # Scheme fields
    link_service: str
    practices: Sequence[tuple[str, str, str]]  # name, ODS code, outcode
    other_organisations: Sequence[tuple[str, str, str, str]]  # name, kind, outcode, ODS code
    providers: Sequence[str]
    users: Sequence[DemoUser]  # created in this order
    memberships: Sequence[tuple[str, str, str]]  # email, organisation name, role
    creator: str  # the link worker who added the residents
    referrer: str  # the referrer who recorded their consent to refer
    given_names: tuple[list[str], list[str]]  # female, male
    sex_weights: Sequence[float]  # female, male, not known, indeterminate
    contact_weights: Sequence[float]  # phone, text, email, letter, do not contact
    birth_date: Callable[[random.Random, dt.date], dt.date]
    conditions: Sequence[str]
    condition_count_weights: Sequence[float]  # 0 to 4 long-term conditions
    referral_mix: ReferralMix
    casework_mix: CaseworkMix
    gp_appointments: tuple[float, float] = (9, 4)  # mean and spread in the year before referral
    parent_consent_under: int = 0  # below this age a parent usually consents for the child
    measures: Sequence[str] | None = None  # None: the outcomes defaults
    follow_up_weeks: int = 12
    directory_rows: Callable[[], list[L]] | None = None  # None: the whole demo directory


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


WELLBROOK = DemoSchemeSpec(
    slug=DEMO_SLUG,
    name="Wellbrook Social Prescribing",
    area_description=(
        "The town of Wellbrook and the villages of Ashby Marsh, Kelby, Thornton Fen, Little Harrow"
        " and Oakmere (fictional)"
    ),
    settings={"default_prescription_weeks": 12, "allow_direct_booking": True},
    link_service="Wellbrook Social Prescribing Service",
    practices=GP_PRACTICES,
    other_organisations=[
        ("Brook Street Pharmacy", OrganisationKind.PHARMACY, "LW1", "FZ991"),
        ("Wellbrook Council Adult Social Care", OrganisationKind.COUNCIL_TEAM, "LW1", ""),
        ("Wellbrook Community Mental Health Team", OrganisationKind.NHS_TEAM, "LW1", ""),
    ],
    providers=VOLUNTARY_PROVIDERS,
    users=[
        DemoUser("gp@demo.linkwell.example", "Dr Helen Marsh", "GP"),
        DemoUser("linkworker@demo.linkwell.example", "Sam Okafor", "Link worker"),
        DemoUser("provider@demo.linkwell.example", "Pat Fletcher", "Group coordinator"),
        DemoUser("volunteer@demo.linkwell.example", "Joy Mensah", "Volunteer befriender"),
        DemoUser("manager@demo.linkwell.example", "Priya Shah", "Social prescribing lead"),
        DemoUser("admin@demo.linkwell.example", "Alex Wood", "Systems administrator"),
        DemoUser("linkworker2@demo.linkwell.example", "Rachel Booth", "Link worker"),
        DemoUser("nurse@demo.linkwell.example", "Gareth Hughes", "Practice nurse"),
    ],
    memberships=[
        ("gp@demo.linkwell.example", "Millfield Medical Centre", Role.REFERRER),
        ("nurse@demo.linkwell.example", "Wellbrook Health Centre", Role.REFERRER),
        ("linkworker@demo.linkwell.example", "Wellbrook Social Prescribing Service", Role.LINK_WORKER),
        ("linkworker2@demo.linkwell.example", "Wellbrook Social Prescribing Service", Role.LINK_WORKER),
        ("provider@demo.linkwell.example", "Wellbrook Walking Group", Role.PROVIDER),
        ("provider@demo.linkwell.example", "Wellbrook Men's Shed", Role.PROVIDER),
        ("volunteer@demo.linkwell.example", "Wellbrook Volunteer Centre", Role.VOLUNTEER),
        ("manager@demo.linkwell.example", "Wellbrook Social Prescribing Service", Role.SCHEME_MANAGER),
        ("admin@demo.linkwell.example", "Wellbrook Social Prescribing Service", Role.ADMIN),
    ],
    creator="linkworker@demo.linkwell.example",
    referrer="gp@demo.linkwell.example",
    given_names=(GIVEN_FEMALE, GIVEN_MALE),
    sex_weights=[56, 42, 1.5, 0.5],
    contact_weights=[60, 20, 10, 7, 3],
    birth_date=_birth_date,
    conditions=list(LongTermCondition.values),
    condition_count_weights=[30, 30, 22, 12, 6],
    referral_mix=WELLBROOK_REFERRALS,
    casework_mix=WELLBROOK_CASEWORK,
)

YOUTH_LINK = "Wellbrook Youth Link"
YOUNG_PEOPLE = DemoSchemeSpec(
    slug=YOUNG_PEOPLE_SLUG,
    name="Wellbrook Young People's Social Prescribing",
    area_description="Young people aged 11 to 25 in Wellbrook and its villages (fictional)",
    # Shorter prescriptions and more tries to reach people (mostly by text); no direct booking by referrers,
    # and providers' listing edits are checked before young people see them.
    settings={
        "default_prescription_weeks": 8,
        "allow_direct_booking": False,
        "contact_attempts_limit": 4,
        "provider_response_working_days": 5,
        "provider_edits_need_moderation": True,
    },
    link_service=YOUTH_LINK,
    # The town's practices, recorded again in this scheme; ODS codes are unique across a deployment and the
    # main scheme holds theirs.
    practices=[(name, "", outcode) for name, _, outcode in GP_PRACTICES],
    other_organisations=[
        ("Wellbrook Children and Young People's Mental Health Service", OrganisationKind.NHS_TEAM, "LW1", ""),
        ("Wellbrook School Nursing Team", OrganisationKind.NHS_TEAM, "LW3", ""),
        ("Wellbrook Youth Service", OrganisationKind.COUNCIL_TEAM, "LW2", ""),
        ("Wellbrook Early Help Team", OrganisationKind.COUNCIL_TEAM, "LW1", ""),
    ],
    providers=young_people.PROVIDERS,
    users=[
        DemoUser("gp-yp@demo.linkwell.example", "Dr Omar Siddiqui", "GP"),
        DemoUser("linkworker-yp@demo.linkwell.example", "Jordan Reid", "Youth link worker"),
        DemoUser("provider-yp@demo.linkwell.example", "Kerry Nolan", "Youth work lead"),
        DemoUser("manager-yp@demo.linkwell.example", "Aisha Karim", "Young people's services manager"),
    ],
    memberships=[
        ("gp-yp@demo.linkwell.example", "Millfield Medical Centre", Role.REFERRER),
        ("linkworker-yp@demo.linkwell.example", YOUTH_LINK, Role.LINK_WORKER),
        ("provider-yp@demo.linkwell.example", young_people.YOUTH_TRUST, Role.PROVIDER),
        ("manager-yp@demo.linkwell.example", YOUTH_LINK, Role.SCHEME_MANAGER),
    ],
    creator="linkworker-yp@demo.linkwell.example",
    referrer="gp-yp@demo.linkwell.example",
    given_names=(YOUNG_FEMALE, YOUNG_MALE),
    sex_weights=[60, 37, 2, 1],
    contact_weights=[25, 55, 15, 2, 3],
    birth_date=young_people.birth_date,
    conditions=young_people.CONDITIONS,
    condition_count_weights=[60, 28, 9, 3, 0],
    referral_mix=young_people.REFERRALS,
    casework_mix=young_people.CASEWORK,
    gp_appointments=(4, 2.5),
    parent_consent_under=16,
    measures=["swemwbs", "ons4"],  # SWEMWBS is validated from 13; no adult loneliness scale
    follow_up_weeks=8,
    directory_rows=young_people.directory_rows,
)


def demo_logins() -> list[DemoLogin]:
    """The sign-ins the demo prints: one per role in the main scheme, the young people's scheme's, the network's."""
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
        DemoLogin(
            "Young people's scheme manager",
            "manager-yp@demo.linkwell.example",
            "Aisha Karim",
            YOUTH_LINK,
        ),
        DemoLogin("Young people's link worker", "linkworker-yp@demo.linkwell.example", "Jordan Reid", YOUTH_LINK),
        DemoLogin(
            "Young people's referrer (GP)",
            "gp-yp@demo.linkwell.example",
            "Dr Omar Siddiqui",
            "Millfield Medical Centre",
        ),
        DemoLogin(
            "Young people's provider",
            "provider-yp@demo.linkwell.example",
            "Kerry Nolan",
            young_people.YOUTH_TRUST,
        ),
        DemoLogin(
            "Network viewer (totals only)",
            NETWORK_EMAIL,
            "Morgan Hale",
            "Wellbrook Health Innovation Institute",
        ),
    ]


def demo_exists() -> bool:
    return Scheme.objects.filter(slug=DEMO_SLUG).exists()


def build_demo(*, people: int = 1000, seed: int = SEED) -> Scheme:
    """Create the demo from scratch in one transaction: the main scheme, the young people's, and their network.

    The main scheme is built first from `seed` alone, so it comes out the same whatever follows; the young
    people's scheme (a quarter of the residents, 1.5 referrals each) has a seed of its own. Returns the main scheme.
    """
    rng = random.Random(seed)
    today = timezone.localdate()
    with transaction.atomic():
        scheme = _create_scheme(WELLBROOK)
        postcodes = _demo_places(rng)
        _build_scheme(scheme, WELLBROOK, rng, postcodes, today=today, people=people, referrals=1500, seed=seed)
        young = _create_scheme(YOUNG_PEOPLE)
        residents = max(1, people // 4)
        _build_scheme(
            young,
            YOUNG_PEOPLE,
            random.Random(seed + 1),
            postcodes,
            today=today,
            people=residents,
            referrals=round(residents * 1.5),
            seed=seed + 1,
        )
        build_demo_network([scheme, young])
        for each in (scheme, young):
            # The demo rows were bulk-inserted (no signals): compute the dashboard's summary rows once, here.
            rebuild_facts(each.pk)
            audit_record(
                actor=None,
                action=AuditAction.CREATE,
                obj=each,
                scheme=each,
                summary=(
                    f"Demo data created: {Person.objects.filter(scheme=each).count()} people, "
                    f"{Organisation.objects.filter(scheme=each).count()} organisations"
                ),
            )
    return scheme


def _create_scheme(spec: DemoSchemeSpec) -> Scheme:
    scheme = Scheme.objects.create(
        slug=spec.slug, name=spec.name, area_description=spec.area_description, **spec.settings
    )
    if spec.measures is not None:
        SchemeOutcomeSettings.objects.create(
            scheme=scheme, measures=list(spec.measures), follow_up_weeks=spec.follow_up_weeks
        )
    return scheme


def _demo_places(rng: random.Random) -> list[DemoPostcode]:
    """The town's postcodes and districts, shared by every demo scheme."""
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
    return postcodes


def _build_scheme(
    scheme: Scheme,
    spec: DemoSchemeSpec,
    rng: random.Random,
    postcodes: list[DemoPostcode],
    *,
    today: dt.date,
    people: int,
    referrals: int,
    seed: int,
) -> None:
    """A demo scheme's organisations, logins, residents and consents, then each app's part, in that order."""
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

    link_service = org(spec.link_service, OrganisationKind.LINK_WORKER_SERVICE)
    practices = [org(name, OrganisationKind.GP_PRACTICE, outcode, ods) for name, ods, outcode in spec.practices]
    for name, kind, outcode, ods in spec.other_organisations:
        org(name, kind, outcode, ods)
    for name in spec.providers:
        org(name, OrganisationKind.VOLUNTARY_PROVIDER, rng.choice([d.outcode for d in DISTRICTS]))
    organisations = {o.name: o for o in Organisation.objects.filter(scheme=scheme)}

    def user(email: str, name: str, title: str) -> User:
        given, family = name.replace("Dr ", "").split(" ", 1)
        return User.objects.create_user(email, DEMO_PASSWORD, first_name=given, last_name=family, job_title=title)

    users = {u.email: user(u.email, u.name, u.title) for u in spec.users}
    Membership.objects.bulk_create(
        [
            Membership(user=users[email], organisation=organisations[name], role=role)
            for email, name, role in spec.memberships
        ]
    )
    referrer = users[spec.referrer]
    referrer_organisation = next(organisations[name] for email, name, _ in spec.memberships if email == spec.referrer)
    link_worker = users[spec.creator]

    district_weights = [d.weight for d in DISTRICTS]
    practice_for_outcode = {outcode: practices[i] for i, (_, _, outcode) in enumerate(spec.practices)}
    used_numbers: set[str] = set()
    conditions = list(spec.conditions)
    female, male = spec.given_names
    residents: list[Person] = []
    for _ in range(people):
        sex = rng.choices([Sex.FEMALE, Sex.MALE, Sex.NOT_KNOWN, Sex.INDETERMINATE], weights=spec.sex_weights)[0]
        given = rng.choice(female if sex == Sex.FEMALE else male if sex == Sex.MALE else female + male)
        family = rng.choice(FAMILY)
        district = rng.choices(DISTRICTS, weights=district_weights)[0]
        postcode = rng.choice(by_outcode[district.outcode])
        located = next(p for p in postcodes if p.postcode == postcode)
        method = rng.choices(list(ContactMethod.values), weights=spec.contact_weights)[0]
        practice = practice_for_outcode.get(district.outcode) or rng.choice(practices)
        n_conditions = rng.choices([0, 1, 2, 3, 4], weights=spec.condition_count_weights)[0]
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
                date_of_birth=spec.birth_date(rng, today),
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
        given_by, representative = ConsentGivenBy.PERSON, ""
        age = (recorded.date() - person.date_of_birth).days // 365 if person.date_of_birth else 99
        if age < spec.parent_consent_under and rng.random() < 0.7:
            # A younger child's parent consents for them; a competent child may consent for themselves.
            given_by = ConsentGivenBy.REPRESENTATIVE
            representative = f"{rng.choice(GIVEN_FEMALE + GIVEN_MALE)} {person.family_name} (parent)"

        def consent(scope: str, granted: bool, method: str, by: User, organisation: Organisation) -> Consent:
            return Consent(
                person=person,  # noqa: B023 (used at once)
                scope=scope,
                granted=granted,
                method=method,
                given_by=given_by,  # noqa: B023
                representative_name=representative,  # noqa: B023
                recorded_at=recorded,  # noqa: B023
                recorded_by=by,
                recorded_by_organisation=organisation,
            )

        consents.append(consent(ConsentScope.REFER, True, ConsentMethod.VIA_REFERRER, referrer, referrer_organisation))
        if rng.random() < 0.85:
            consents.append(
                consent(ConsentScope.SHARE_WITH_PROVIDERS, True, ConsentMethod.VERBAL, link_worker, link_service)
            )
        if rng.random() < 0.6:
            consents.append(
                consent(ConsentScope.EVALUATION, rng.random() < 0.9, ConsentMethod.VERBAL, link_worker, link_service)
            )
    Consent.objects.bulk_create(consents, batch_size=1000)
    rows = spec.directory_rows() if spec.directory_rows is not None else None
    build_demo_directory(scheme, seed=seed, rows=rows)
    build_demo_referrals(scheme, rng, count=referrals, mix=spec.referral_mix)
    build_demo_casework(scheme, rng, mix=spec.casework_mix)
    build_demo_connections(scheme, rng)
    build_demo_outcomes(scheme, rng, gp_appointments=spec.gp_appointments)


def build_demo_network(schemes: list[Scheme]) -> Network:
    """A network of the demo schemes, hosted by a fictional regional institute, with its network viewer."""
    host = Organisation.objects.create(
        scheme=schemes[0],
        name="Wellbrook Health Innovation Institute",
        kind=OrganisationKind.NETWORK,
        email="hello@wellbrookinstitute.example.org",
    )
    network = Network.objects.create(
        slug="test-beds",
        name="North and South test beds",
        description="The institute's social prescribing test beds, compared on totals with small numbers hidden.",
        host=host,
    )
    network.schemes.set(schemes)
    viewer = User.objects.create_user(
        NETWORK_EMAIL, DEMO_PASSWORD, first_name="Morgan", last_name="Hale", job_title="Evaluation lead"
    )
    Membership.objects.create(user=viewer, organisation=host, role=Role.NETWORK)
    return network
