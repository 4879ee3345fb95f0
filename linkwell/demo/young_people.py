"""What makes the demo's second scheme its own: Wellbrook Young People's Social Prescribing, for people aged 11
to 25 in the same fictional town. Its referrers, needs, words, goals and directory differ from the main scheme's;
builder.py builds it through the same code paths, about a quarter of the size.
"""

from __future__ import annotations

import datetime as dt
import random

from linkwell.casework.demo import CaseworkMix
from linkwell.people.models import LongTermCondition
from linkwell.referrals.demo import ReferralMix
from linkwell.referrals.models import Need, Source

from .directory_data import L, listings, short_listings

YOUTH_TRUST = "Wellbrook Youth Trust"

# Youth and community providers the young people's link workers refer to; the same local organisations as the
# main scheme's where they run something for young people, each recorded in this scheme.
PROVIDERS = [
    YOUTH_TRUST,
    "Wellbrook Mind",
    "Wellbrook Leisure Trust",
    "Wellbrook Carers Centre",
    "Millfield Job Club",
    "Wellbrook Volunteer Centre",
    "Millfield Community Choir",
    "Wellbrook Mosque Community Hub",
    "Wellbrook African Caribbean Centre",
    "Canal Side Anglers",
    "Hollins Art Club",
    "Wellbrook Swimming Club",
    "Wellbrook Foodbank",
    "Wellbrook Housing Advice",
    "Wellbrook Citizens Advice",
    "Wellbrook Library Service",
    "Thornton Fen Cricket Club",
]

# The main directory's listings that suit 11 to 25 year olds, by name.
SHARED_LISTINGS = {
    "Young voices vocal group",
    "Millfield brass band (learners)",
    "Ukulele strummers",
    "Debt advice appointments",
    "Benefits checks and form filling",
    "Help to claim Universal Credit",
    "Young carers club",
    "Young adult carers group",
    "Carers' assessment and support",
    "Couch to 5k running group",
    "Women-only gym sessions",
    "Junior parkrun volunteering",
    "Junior gym for teens",
    "Sketching in the park",
    "Chess club",
    "Job search help at the library",
    "Online library and eBooks",
    "Foodbank: Millfield distribution centre",
    "Community pantry",
    "Holiday lunch club for families",
    "Foodbank warehouse volunteers",
    "Peer support group for young adults",
    "Housing advice drop-in",
    "Tenancy sustainment support",
    "Work ready: 16 to 25",
    "Interview clothes bank",
    "Find a volunteering role",
    "Charity shop volunteering",
    "Youth football and mentoring",
    "Community kitchen and open lunch",
    "Steel pan band",
    "Supplementary school",
    "Sickle cell and thalassaemia support",
    "Gospel choir",
    "Disability swimming club",
    "Adult learn to swim",
    "Junior angling",
    "Canal clean-up",
    "Women's softball cricket",
    "Fen bird-watching group",
}


def _youth_listings() -> list[L]:
    """Services only the young people's scheme lists: youth clubs and groups, mentoring, online support."""
    t = YOUTH_TRUST
    return [
        L(
            t,
            "Millfield youth club",
            "Open youth club with pool, table tennis, a games console corner, a tuck shop and youth workers to talk "
            "to. Come on your own or with a friend; the first visit is just a look round.",
            ("social_activity",),
            ("loneliness", "confidence"),
            ("connect",),
            ("TU,TH 18:00-20:30",),
            "donation 1",
            "Young people aged 11 to 18.",
            ages=(11, 18),
            capacity=(12, None),
            venue="millfield_cc",
        ),
        L(
            t,
            "Hollins youth club",
            "Midweek youth club with cooking, sport in the hall and a quiet room. Youth workers run a short "
            "session on a different topic each month (money, online safety, relationships).",
            ("social_activity", "learning"),
            ("loneliness", "confidence", "learning"),
            ("connect", "keep_learning"),
            ("WE 18:00-20:30",),
            "free",
            "Young people aged 11 to 18.",
            ages=(11, 18),
            venue="hollins_cc",
        ),
        L(
            t,
            "Villages youth night",
            "A youth night for young people in Kelby and the villages, with games, film nights and trips planned by "
            "the group. A minibus picks up from Oakmere and Little Harrow.",
            ("social_activity",),
            ("loneliness", "mobility"),
            ("connect",),
            ("FR 18:30-20:30",),
            "free",
            "Young people aged 11 to 18 living in the villages.",
            ages=(11, 18),
            venue="kelby_hall",
        ),
        L(
            t,
            "Out Loud LGBTQ+ youth group",
            "A safe, friendly group for LGBTQ+ young people and those who are questioning, run by trained youth "
            "workers. Chat, games and guest speakers; nobody is asked to say more than they want to.",
            ("social_activity", "mental_wellbeing"),
            ("loneliness", "low_mood", "confidence"),
            ("connect",),
            ("2MO,4MO 17:30-19:30",),
            "free",
            "LGBTQ+ and questioning young people aged 13 to 25.",
            ages=(13, 25),
            venue="library",
        ),
        L(
            t,
            "Wellbrook youth theatre",
            "Drama games, improvisation and a show each summer. No experience needed, and not everyone has to act: "
            "there is lighting, sound and set-making too.",
            ("arts",),
            ("confidence", "loneliness"),
            ("connect", "keep_learning"),
            ("SA 10:00-12:30",),
            "2 per session",
            "Young people aged 11 to 19. Ask about free places.",
            ages=(11, 19),
            capacity=(4, 6),
            venue="town_hall",
        ),
        L(
            t,
            "Duke of Edinburgh's Award open group",
            "Work towards a bronze, silver or gold award outside school: volunteering, a skill, a physical "
            "activity and an expedition with the group.",
            ("volunteering", "physical_activity"),
            ("confidence", "giving_back", "physical_inactivity"),
            ("give", "be_active", "keep_learning"),
            ("WE 18:30-20:30",),
            "fees: Enrolment £25; the trust pays it for anyone who cannot.",
            "Young people aged 14 to 24.",
            ages=(14, 24),
            capacity=(6, None),
            venue="millfield_cc",
        ),
        L(
            t,
            "Street dance for beginners",
            "An hour of street dance to current music with a patient teacher. Trainers and comfortable clothes; "
            "beginners very welcome.",
            ("physical_activity", "arts"),
            ("physical_inactivity", "confidence"),
            ("be_active",),
            ("MO 17:00-18:00",),
            "1 per session",
            "Young people aged 11 to 18.",
            ages=(11, 18),
            venue="leisure",
        ),
        L(
            t,
            "One-to-one youth mentoring",
            "Six to ten meetings with a trained volunteer mentor, somewhere the young person chooses (a café, a "
            "walk, the library), working towards something they want to do.",
            ("mental_wellbeing", "befriending"),
            ("confidence", "low_mood", "loneliness"),
            ("connect",),
            (),
            "free",
            "Young people aged 11 to 25 referred by a link worker, school or youth worker.",
            ages=(11, 25),
            mode="home",
            when_text="Arranged with your mentor",
        ),
        L(
            t,
            "Young people's wellbeing walk",
            "A relaxed walk round Parkside park and the brook with a youth worker, ending with hot chocolate. A "
            "good first step for anyone finding groups hard.",
            ("physical_activity", "nature", "mental_wellbeing"),
            ("anxiety", "low_mood", "physical_inactivity"),
            ("be_active", "take_notice"),
            ("TH 16:30-17:30",),
            "free",
            "Young people aged 13 to 25.",
            ages=(13, 25),
            venue="parkside_church",
        ),
        L(
            t,
            "Gaming and chat night (online)",
            "A moderated online gaming and chat evening, with a youth worker in every room. A way to get to know "
            "people before meeting them in person.",
            ("social_activity",),
            ("loneliness", "anxiety"),
            ("connect",),
            (),
            "free",
            "Young people aged 13 to 19.",
            ages=(13, 19),
            mode="online",
            when_text="Fridays 19:00 to 21:00, online",
        ),
        L(
            "Wellbrook Mind",
            "Online chat counselling for young people",
            "Short-term counselling by text chat with a qualified counsellor, for young people who would rather "
            "type than talk. Up to eight sessions, evenings and weekends.",
            ("mental_wellbeing",),
            ("anxiety", "low_mood"),
            ("take_notice",),
            (),
            "free",
            "Young people aged 11 to 25 in Wellbrook.",
            ages=(11, 25),
            capacity=(None, 14),
            mode="online",
            when_text="Book a session online",
        ),
    ]


def directory_rows() -> list[L]:
    """The young people's directory: the shared listings that suit them, then their own."""
    shared = [row for row in listings() + short_listings() if row.name in SHARED_LISTINGS]
    return shared + _youth_listings()


def birth_date(rng: random.Random, today: dt.date) -> dt.date:
    """Aged 13 to 25 now, so 11 or over at a referral up to 18 months ago; most referrals are mid-teens."""
    age = rng.choices(range(13, 26), weights=[6, 9, 11, 12, 11, 9, 8, 7, 6, 6, 5, 5, 5])[0]
    return today - dt.timedelta(days=age * 365 + rng.randint(0, 364))


CONDITIONS = [
    LongTermCondition.ANXIETY,
    LongTermCondition.ASTHMA,
    LongTermCondition.DEPRESSION,
    LongTermCondition.LEARNING_DISABILITY,
    LongTermCondition.DIABETES,
    LongTermCondition.OTHER,
]

REFERRALS = ReferralMix(
    sources=[
        (Source.GP, 38),
        (Source.NHS_TEAM, 22),  # CAMHS and the school nursing team
        (Source.COUNCIL, 15),  # the youth service and early help
        (Source.SELF, 15),
        (Source.OTHER, 10),  # youth and community groups
    ],
    needs={
        Need.LOW_MOOD: 40,
        Need.LONELINESS: 22,
        Need.RELATIONSHIPS: 12,
        Need.EMPLOYMENT: 12,
        Need.PHYSICAL_INACTIVITY: 8,
        Need.BEREAVEMENT: 5,
        Need.CARING: 5,
        Need.HOUSING: 3,
        Need.SUBSTANCE_USE: 3,
        Need.WEIGHT: 3,
        Need.LONG_TERM_CONDITION: 3,
        Need.FOOD: 2,
        Need.DEBT: 2,
        Need.OTHER: 3,
    },
    reasons={
        Need.LOW_MOOD: "Anxious and low for months and missing some school; on the waiting list for CAMHS.",
        Need.LONELINESS: "Finds it hard to make friends since moving school; spends most evenings in their room.",
        Need.RELATIONSHIPS: "Arguments at home are getting them down.",
        Need.EMPLOYMENT: "Left college last year and not in work or training; losing confidence.",
        Need.PHYSICAL_INACTIVITY: "Gave up sport at secondary school and wants to get active again.",
        Need.BEREAVEMENT: "A grandparent they were close to died this year; struggling since.",
        Need.CARING: "Helps look after a parent with MS and has little time for themselves.",
        Need.HOUSING: "Sofa-surfing after falling out with family.",
        Need.SUBSTANCE_USE: "Vaping and drinking with older friends; wants something else to do.",
        Need.WEIGHT: "Wants support with their weight alongside people their own age.",
        Need.LONG_TERM_CONDITION: "Type 1 diabetes; feels different from friends and has stopped going out.",
        Need.FOOD: "Often goes without breakfast; money is tight at home.",
        Need.DEBT: "Owes money on a phone contract and is worried about it.",
        Need.OTHER: "Asked for help finding something to do outside school.",
    },
    what_matters=[
        "Making friends",
        "Getting back into football",
        "Feeling less anxious at school",
        "Finding an apprenticeship",
        "Doing something creative",
        "Having somewhere to go after school",
        "",
        "",
        "",
    ],
    clinicians=["Dr Amir Rahman", "Dr Sarah Holt", "Nurse Kate Ellis"],
    referrer_names=["Mia Turner", "Dan Price", "Sana Iqbal", "Chris Doyle", "Erin Walsh"],
    safeguarding_details="School raised a concern about things at home; shared with the safeguarding lead.",
)

CASEWORK = CaseworkMix(
    goals=[
        "Go to a youth club once a week",
        "Try a football or netball session",
        "Talk to someone about how I'm feeling",
        "Go to school every day for two weeks",
        "Apply for an apprenticeship or course",
        "Join the youth theatre",
        "Get out for a walk three times a week",
        "Sort out the phone contract debt",
        "Have a break from caring once a week",
    ],
    strengths=[
        "Funny and kind; loyal to their friends",
        "Good at drawing and music",
        "Close to an older sister",
        "Loves football",
        "Wants things to change",
    ],
    barriers=[
        "Anxious in new groups",
        "Bus fare",
        "No one to go with",
        "Caring for a parent after school",
        "Exam pressure",
    ],
)
