"""Linkwell's own taxonomies: the five ways to wellbeing, service categories and needs.

Plain data with stable UUIDs (uuid5 of a Linkwell URI), so every deployment and every export uses the same
HSDS ids for the same term. Seeded by migration 0002 and by `services.taxonomy_seed_linkwell()`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

URI_ROOT = "https://linkwell.org.uk/taxonomy"


@dataclass(frozen=True)
class VocabularyTerm:
    code: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class Vocabulary:
    slug: str
    kind: str  # TermKind value
    name: str
    description: str
    terms: tuple[VocabularyTerm, ...]

    @property
    def uri(self) -> str:
        return f"{URI_ROOT}/{self.slug}"

    @property
    def hsds_id(self) -> uuid.UUID:
        return uuid.uuid5(uuid.NAMESPACE_URL, self.uri)

    def term_uri(self, code: str) -> str:
        return f"{self.uri}/{code}"

    def term_hsds_id(self, code: str) -> uuid.UUID:
        return uuid.uuid5(uuid.NAMESPACE_URL, self.term_uri(code))


T = VocabularyTerm

FIVE_WAYS = Vocabulary(
    slug="five-ways",
    kind="five_ways",
    name="Five ways to wellbeing",
    description="The five ways to wellbeing (New Economics Foundation, 2008).",
    terms=(
        T("connect", "Connect", "Time with other people: family, friends, neighbours, groups."),
        T("be_active", "Be active", "Moving more: walking, sport, dance, gardening."),
        T("take_notice", "Take notice", "Being aware of the world around you and how you feel."),
        T("keep_learning", "Keep learning", "Trying something new or picking up an old interest."),
        T("give", "Give", "Doing something for others: volunteering, helping a neighbour."),
    ),
)

CATEGORIES = Vocabulary(
    slug="categories",
    kind="category",
    name="Linkwell service categories",
    description="What kind of activity or support a service offers.",
    terms=(
        T("social_activity", "Social activity", "Groups, clubs, lunch clubs and places to meet people."),
        T("befriending", "Befriending", "Regular visits or calls from a volunteer."),
        T("physical_activity", "Physical activity", "Walking groups, exercise classes, sport, swimming."),
        T("nature", "Nature and gardening", "Allotments, gardening groups, conservation, green spaces."),
        T("volunteering", "Volunteering", "Ways to give time and skills."),
        T("arts", "Arts and creativity", "Singing, music, art, crafts, drama, writing."),
        T("learning", "Learning", "Courses, digital skills, reading, language classes."),
        T("advice", "Advice", "Money, debt, benefits and legal advice."),
        T("carers", "Carers", "Support for people who look after someone."),
        T("bereavement", "Bereavement", "Support after someone has died."),
        T("food", "Food", "Food banks, community meals and cooking."),
        T("housing", "Housing", "Housing advice and help to keep a home."),
        T("employment", "Employment", "Job clubs, work skills and support into work."),
        T("recovery", "Recovery", "Support with alcohol, drugs or gambling."),
        T("mental_wellbeing", "Mental wellbeing", "Peer support, talking groups, wellbeing courses."),
        T("long_term_conditions", "Long-term conditions", "Groups and courses for living with a condition."),
    ),
)

NEEDS = Vocabulary(
    slug="needs",
    kind="need",
    name="Linkwell needs",
    description="What matters to the person: the needs a referral or assessment records.",
    terms=(
        T("loneliness", "Loneliness or social isolation"),
        T("low_mood", "Low mood"),
        T("anxiety", "Anxiety or stress"),
        T("physical_inactivity", "Wanting to be more active"),
        T("weight", "Healthy weight"),
        T("money", "Money, debt or benefits"),
        T("housing", "Housing"),
        T("employment", "Work or training"),
        T("caring", "Caring for someone"),
        T("bereavement", "Bereavement"),
        T("food", "Food"),
        T("substance_use", "Alcohol, drugs or gambling"),
        T("long_term_condition", "Living with a long-term condition"),
        T("mobility", "Mobility or getting out"),
        T("confidence", "Confidence and self-esteem"),
        T("digital", "Getting online"),
        T("learning", "Learning something new"),
        T("giving_back", "Wanting to give back"),
    ),
)

VOCABULARIES: tuple[Vocabulary, ...] = (FIVE_WAYS, CATEGORIES, NEEDS)
