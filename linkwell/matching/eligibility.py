"""Who a listing is for, read from its own words, and whether a person fits.

Providers write eligibility as prose ("a friendly group for men over 50", "for people living with dementia
and their carers", "young people aged 16–25"). `extract` turns such prose into an `Eligibility`; `admits`
says whether a person may go; `targets` says whether the listing is made for someone like them (a link
worker prefers a carers' group for a carer over a general one).

A restriction is read only from restrictive phrasing: "dementia-friendly swimming" is open to everyone, a
"dementia café" or a group "for people with dementia" is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from .lexicon import CONDITIONS, condition_label, normalise

Sex = Literal["female", "male"]

_WHO = r"(?:older |younger |young |local |retired |working[- ]age |isolated |lonely |all )?"
_GATHERING = r"(?:group|shed|club|health|walking|walk|choir|space|circle|breakfast|cafe|café|football|sessions?)"
_MALE = re.compile(
    r"\b(?:men|males?|gentlemen|dads|fathers)[ -]only\b"
    r"|(?<!\bnot )\bonly (?:for )?(?:men|males)\b"
    r"|(?:^|[.!?] )(?:men|gentlemen)(?: only)?(?:[.!?]|$)"
    rf"|\bfor {_WHO}(?:men|males|gentlemen|dads|fathers)\b"
    rf"|\b(?:men|gentlemen|dads|fathers)'?s? {_GATHERING}\b"
    r"|\bmen (?:aged|over)\b"
)
_FEMALE = re.compile(
    r"\b(?:women|females?|ladies|mums|mothers|girls)[ -]only\b"
    r"|(?<!\bnot )\bonly (?:for )?(?:women|females|ladies)\b"
    r"|(?:^|[.!?] )(?:women|ladies)(?: only)?(?:[.!?]|$)"
    rf"|\bfor {_WHO}(?:women|females|ladies|mums|mothers|girls)\b"
    rf"|\b(?:women|ladies|mums|mothers|girls)'?s? {_GATHERING}\b"
    r"|\bwomen (?:aged|over)\b"
)
_BOTH_SEXES = re.compile(
    r"\b(?:men and women|women and men|males and females|females and males|all genders|any gender)\b"
    r"|\bnot (?:just|only) (?:for )?(?:men|women)\b"
)

_AGE_MIN = [
    re.compile(r"\b(?:over|aged over|over the age of|older than)\s+(\d{2})'?s?\b"),
    re.compile(
        r"\b(\d{2})\s*(?:\+|plus\b|and over\b|and above\b|or over\b|or older\b|years and over\b|years or over\b)"
    ),
    re.compile(r"\baged (\d{2}) (?:and|or) (?:over|above|older)\b"),
]
_AGE_MAX = [
    re.compile(r"\b(?:under|aged under|below|younger than|under the age of)\s+(\d{1,2})'?s?\b"),
]
_AGE_RANGE = re.compile(
    r"\b(?:aged|ages|age|young people|children|adults|for|between)\s+(?:of\s+)?(?:between\s+)?"
    r"(\d{1,2})\s*(?:-|–|—|to|and)\s*(\d{1,3})\b"
    r"|\b(\d{1,2})\s*(?:-|–|—|to)\s*(\d{1,3})\s*(?:year olds|years old|years|yrs|y/o)\b"
)
_BMI = re.compile(
    r"\bbmi (?:of |over |above |under |below |between |at least |more than )?\d+(?:\.\d+)?"
    r"(?: ?(?:-|–|to|and) ?\d+(?:\.\d+)?)?(?: or (?:over|above|more))?"
)
_ADULTS = re.compile(
    r"\b(?:adults only|for adults|adults aged|adults \(18)\b"
    # A who-for sentence that starts "Adults" ("Adults.", "Adults on a low income.") unless children come too.
    r"|(?:^|[.!?;] )adults\b(?! (?:and|or|&) (?:children|young people|kids|teenagers|families))"
    r"(?! of (?:all|any) ages?)(?![^.!?;]* and their (?:carers|famil))"
)
# Age groups named without numbers: "for older people", "an elders' club" (50 and over, the youngest age that UK
# "older people's" services commonly start at); "young people" without an age range (up to 25).
OLDER_AGE = 50
YOUNG_PEOPLE_MAX_AGE = 25
_OLDER = re.compile(
    r"\b(?:for|with|and) (?:isolated |lonely |local )?older (?:people|adults|men|women|residents|villagers|members|"
    r"neighbours|folk)\b(?!'s carers)|\bolder (?:people|persons?)'s (?!carers?\b)"
    r"|\belders'? (?:club|lunch|group|day|café|cafe)\b"
    r"|\b(?:day centre|club|group|lunch club) for (?:the )?(?:elderly|older people|seniors|pensioners)\b"
    r"|\bseniors'? (?:club|group)\b"
)
_YOUNG_PEOPLE = re.compile(r"\bfor young people\b|\byouth (?:club|group|football|project)\b|\bteenagers only\b")
_ALL_AGES = re.compile(r"\ball ages\b|\b(?:people|adults|anyone) of (?:all|any) ages?\b|\bintergenerational\b")

_COND_ALT = "|".join(f"(?:{pattern})" for _, pattern in CONDITIONS.values())
_CONDITION_RESTRICTIVE = re.compile(
    r"\b(?:for|supporting|support for|open to|anyone|people|adults|those|men|women|patients|someone)\b"
    r"(?:\s+\w+){0,3}?\s+(?:living with|with|diagnosed with|who have|who has|affected by|recovering from|after)\s+"
    r"(?:a |an |early[- ]stage |mild |diagnosis of |a diagnosis of )*"
    rf"(?P<c1>{_COND_ALT})(?![- ]?(?:friendly|aware))"
    rf"|(?P<c2>{_COND_ALT})[ -]+(?:uk |society |association |peer )?"
    r"(?:support group|café|cafe|group|club|choir|peer support|patients|survivors|"
    r"programme|rehab\w*|service|class|classes|exercise class)\b"
)
# For the carers of someone with a condition, not for the person with it: "Carers of people with Parkinson's".
_CARERS_OF = re.compile(
    r"\b(?:carers?|family carers|families|partners|relatives|family members) of (?:people|someone|a person|anyone|"
    r"those|a loved one|loved ones) (?:living with|with|who (?:have|has)|affected by|diagnosed with)\b"
)
_FAMILY_TOO = re.compile(
    r"\b(?:and|or|with) (?:their |his |her |a )?(?:carers?|families|family|loved ones|partners)\b|\baffected by\b"
)
_CARERS = re.compile(
    r"\b(?:for|supporting|support for|open to)\s+(?:unpaid |young |adult |family |older )*carers\b"
    r"|\bcarers?'? (?:group|café|cafe|centre|center|support|club|only|breaks?|hub|network|drop[- ]in|coffee)\b"
    r"|\bparents of (?:disabled children|children with (?:a )?disabilit\w*|children with special)"
    r"|\b(?:unpaid|young|adult|registered) carers\b"
    r"|\bfor (?:the )?(?:family members|families|relatives|loved ones|friends and family|partners) of "
    r"(?:someone|people|anyone|a person)\b"
    r"|\banyone (?:who )?(?:caring|looking after)\b"
    r"|\bwho (?:care|cares) for\b"
)
_PARENTS = re.compile(
    r"\bfor (?:new |expectant |first[- ]time )?(?:mums|mothers|parents|dads|fathers)(?: and (?:dads|mums|carers))?"
    r"(?: of| with)? (?:babies|a baby|under[- ]?(?:ones|twos|fives|1s|5s)|toddlers|young children|newborns)\b"
    r"|\bfor new (?:mums|mothers|parents|dads)\b"
    r"|\b(?:mums|mothers|parents|dads|carers) (?:and|&) (?:babies|toddlers|tots|under[- ]?fives)\b"
    r"|\b(?:mothers|mums|parents|dads) of (?:babies|a baby|under[- ]?(?:ones|twos|fives)|toddlers|young children)\b"
    r"|\b(?:postnatal|antenatal|toddler group|baby group|parent and baby|parent and toddler|stay and play)\b"
    r"|\bbuggy\b"
    r"|\bwith (?:babies|toddlers|children|kids) under (?:one|two|three|four|five|1|2|3|4|5)s?\b"
)
# Languages a group may be held in for the people who speak them ("for Polish speakers", "(in Polish)").
GROUP_LANGUAGES: tuple[str, ...] = (
    "polish", "urdu", "punjabi", "bengali", "arabic", "somali", "cantonese", "mandarin", "romanian", "lithuanian",
    "portuguese", "gujarati", "tamil", "turkish", "kurdish", "farsi", "pashto", "tigrinya", "ukrainian", "russian",
    "hindi", "spanish", "french", "italian", "welsh",
)  # fmt: skip
_LANG = "|".join(GROUP_LANGUAGES)
_LANGUAGE_ONLY = re.compile(
    rf"\b(?P<a>{_LANG})[- ]speak(?:ers|ing)\b"
    rf"|\b(?:in|into) (?P<b>{_LANG})\b"
    rf"|\((?:in )?(?P<c>{_LANG})(?: and (?P<d>{_LANG}))?\)"
    rf"|\b(?P<e>{_LANG}) (?:seniors|elders|mums|mothers|dads|women|men|community|club|group)\b"
)
_ENGLISH_TOO = re.compile(r"\b(?:in|and|or) english\b|\benglish (?:and|or)\b")
_SUICIDE = re.compile(r"\b(?:bereaved|affected|lost someone|loss) (?:by|through|to) suicide\b|\bsuicide bereavement\b")
_BEREAVED = re.compile(
    r"\bfor (?:people who are |anyone )?bereaved\b"
    r"|\bbereaved (?:people|adults|families|parents|partners|children)\b"
    r"|\b(?:bereavement|grief) (?:café|cafe|group|support group|support|drop[- ]in|service|counselling|circle)\b"
    r"|\bwidow(?:s|ed|ers)?'?s? (?:group|club|café|cafe)\b|\bfor widow"
    r"|\bwho (?:have|has) (?:lost|been bereaved)\b"
)


@dataclass(frozen=True, slots=True)
class Eligibility:
    sex: Sex | None = None
    min_age: int | None = None
    max_age: int | None = None
    # A person must have one of `conditions` (a carer: the person they look after must; the referral's
    # conditions are whoever's it talks about); `carers` with `conditions` means their carers come too; when
    # `conditions` is empty and `carers` is set, the listing is for carers only.
    conditions: frozenset[str] = frozenset()
    carers: bool = False
    # With `conditions`: only their carers come (a Parkinson's carers' coffee), not the people who have them.
    carers_only: bool = False
    bereaved: bool = False
    # For parents (or parents-to-be) of babies and young children: buggy walks, postnatal groups, toddler groups.
    parents: bool = False
    # Held in these languages for the people who speak them (empty: anyone; a group also in English is open).
    languages: frozenset[str] = frozenset()
    # For people bereaved by suicide.
    suicide: bool = False

    @property
    def is_open(self) -> bool:
        return self == Eligibility()

    def describe(self) -> list[str]:
        """Short phrases for reasons ("for men", "for over 50s", "for carers")."""
        parts: list[str] = []
        if self.sex is not None:
            parts.append("for men" if self.sex == "male" else "for women")
        if self.min_age is not None and self.max_age is not None:
            parts.append(f"for ages {self.min_age}–{self.max_age}")
        elif self.min_age is not None:
            parts.append(f"for over {self.min_age}s" if self.min_age % 5 == 0 else f"for ages {self.min_age}+")
        elif self.max_age is not None:
            parts.append(f"for under {self.max_age + 1}s")
        if self.conditions:
            names = " or ".join(condition_label(c) for c in sorted(self.conditions))
            if self.conditions == {"smoking"}:
                parts.append("for people who want to stop smoking")
            elif self.carers_only:
                parts.append(f"for carers of people living with {names}")
            else:
                parts.append(f"for people living with {names}" + (" and their carers" if self.carers else ""))
        elif self.carers:
            parts.append("for carers")
        if self.bereaved:
            parts.append("for bereaved people")
        if self.parents:
            parts.append("for parents of babies and young children")
        if self.suicide:
            parts.append("for people bereaved by suicide")
        if self.languages:
            parts.append("for " + " or ".join(lang.title() for lang in sorted(self.languages)) + " speakers")
        return parts


@dataclass(frozen=True, slots=True)
class Person:
    """The facts about a person that eligibility is checked against (unknown = None / empty)."""

    age: int | None = None
    sex: Sex | None = None
    conditions: frozenset[str] = frozenset()
    is_carer: bool = False
    # A carer's referral names the cared-for person's conditions too ("looks after his mum, heart failure"):
    # those open carers' groups for the condition, not groups for people who have it.
    cared_for_conditions: frozenset[str] = frozenset()
    bereaved: bool = False
    # Cannot leave home: only home visits, phone and online services can reach them.
    housebound: bool = False
    # Age unknown but plainly an adult (a widow, a grandparent, retired): children's groups are not for them.
    adult: bool = False
    # Has (or is expecting) a baby or a young child.
    young_child: bool = False
    # Languages other than English the person speaks (from their record or the referral's words).
    languages: frozenset[str] = frozenset()
    # Someone close to them took their own life.
    suicide_bereaved: bool = False


def _condition_codes(matched: str) -> frozenset[str]:
    low = matched.lower()
    return frozenset(code for code, (_, pattern) in CONDITIONS.items() if re.fullmatch(pattern, low))


def extract(text: str, *, ages_given: bool = False) -> Eligibility:
    """Read who a listing is for from its name, description and eligibility text. Ages said in numbers are always
    read; ages implied by words ("Adults.", "for older people") only when the directory gives none
    (`ages_given`): a provider who wrote "Adults" but set 16 as the minimum meant 16."""
    # "A BMI over 30" is not an age limit.
    low = _BMI.sub("bmi", normalise(text))

    sex: Sex | None = None
    if not _BOTH_SEXES.search(low):
        male, female = bool(_MALE.search(low)), bool(_FEMALE.search(low))
        if male != female:
            sex = "male" if male else "female"

    mins: list[int] = []
    maxs: list[int] = []
    for found in _AGE_RANGE.finditer(low):
        lo_text, hi_text = (found.group(1), found.group(2)) if found.group(1) else (found.group(3), found.group(4))
        lo, hi = int(lo_text), int(hi_text)
        if 0 <= lo < hi <= 120:
            mins.append(lo)
            maxs.append(hi)
    for pattern in _AGE_MIN:
        mins.extend(int(m.group(1)) for m in pattern.finditer(low) if 0 < int(m.group(1)) < 120)
    for pattern in _AGE_MAX:
        maxs.extend(int(m.group(1)) - 1 for m in pattern.finditer(low) if 1 < int(m.group(1)) <= 120)
    if not (mins or maxs or ages_given or _ALL_AGES.search(low)):
        if _ADULTS.search(low):
            mins.append(ADULT_AGE)
        elif _OLDER.search(low):
            mins.append(OLDER_AGE)
        elif _YOUNG_PEOPLE.search(low):
            maxs.append(YOUNG_PEOPLE_MAX_AGE)
    min_age = min(mins) if mins else None
    max_age = max(maxs) if maxs else None
    if min_age is not None and max_age is not None and min_age > max_age:
        # Contradictory prose ("over 60s … under 18s crèche"): trust neither rather than exclude everyone.
        min_age = max_age = None

    conditions: set[str] = set()
    for found in _CONDITION_RESTRICTIVE.finditer(low):
        conditions |= _condition_codes(found.group("c1") or found.group("c2"))

    carers_mentioned = bool(_CARERS.search(low))
    family_too = bool(conditions) and bool(_FAMILY_TOO.search(low))
    carers_only = bool(conditions) and bool(_CARERS_OF.search(low)) and not family_too
    carers = carers_mentioned or carers_only or family_too
    bereaved = bool(_BEREAVED.search(low))
    return Eligibility(
        sex=sex,
        min_age=min_age,
        max_age=max_age,
        conditions=frozenset(conditions),
        carers=carers,
        carers_only=carers_only,
        bereaved=bereaved,
        parents=bool(_PARENTS.search(low)),
        languages=_languages_only(low),
        suicide=bool(_SUICIDE.search(low)),
    )


def _languages_only(low: str) -> frozenset[str]:
    if _ENGLISH_TOO.search(low):
        return frozenset()
    found: set[str] = set()
    for match in _LANGUAGE_ONLY.finditer(low):
        found |= {value for value in match.groupdict().values() if value}
    return frozenset(found)


def combine(extracted: Eligibility, min_age: int | None, max_age: int | None) -> Eligibility:
    """Merge the directory's own age fields with what the prose says, keeping the stricter limit."""
    lo = max((a for a in (extracted.min_age, min_age) if a is not None), default=None)
    hi = min((a for a in (extracted.max_age, max_age) if a is not None), default=None)
    if lo is not None and hi is not None and lo > hi:
        lo, hi = min_age, max_age
    return replace(extracted, min_age=lo, max_age=hi)


ADULT_AGE = 18


def condition_admits(rule: Eligibility, person: Person) -> bool:
    """A group for people with a condition takes them; if its carers come too, carers of someone with it (a
    Parkinson's carers' coffee is not for every carer); if it is for carers only, only those carers."""
    own = bool(rule.conditions & person.conditions)
    carer_of = person.is_carer and bool(rule.conditions & (person.conditions | person.cared_for_conditions))
    if rule.carers_only:
        return carer_of
    if rule.carers:
        return own or carer_of
    return own


def admits(rule: Eligibility, person: Person) -> bool:
    """Whether the person may use the listing: an unknown age or sex does not exclude; a condition, caring or
    bereavement restriction needs that fact about the person."""
    if rule.sex is not None and person.sex is not None and person.sex != rule.sex:
        return False
    if person.age is not None:
        if rule.min_age is not None and person.age < rule.min_age:
            return False
        if rule.max_age is not None and person.age > rule.max_age:
            return False
    elif person.adult and rule.max_age is not None and rule.max_age < ADULT_AGE:
        return False
    if rule.conditions:
        if not condition_admits(rule, person):
            return False
    elif rule.carers and not person.is_carer:  # a carers' group
        return False
    if rule.parents and not person.young_child:
        return False
    if rule.languages and not rule.languages & person.languages:
        return False
    if rule.suicide and not person.suicide_bereaved:
        return False
    return not (rule.bereaved and not person.bereaved)


def targets(rule: Eligibility, person: Person) -> bool:
    """Whether the listing is made for someone like this person (and admits them)."""
    if not admits(rule, person):
        return False
    return bool(
        (rule.sex is not None and person.sex == rule.sex)
        or bool(rule.conditions and condition_admits(rule, person))
        or (rule.carers and person.is_carer)
        or (rule.bereaved and person.bereaved)
        or (rule.parents and person.young_child)
        or bool(rule.languages & person.languages)
        or (rule.suicide and person.suicide_bereaved)
        or (
            person.age is not None
            and (rule.min_age is not None or rule.max_age is not None)
            and (rule.max_age or 120) - (rule.min_age or 0) <= 60
        )
    )
