"""Why a service is on the list, in a link worker's words, built only from facts of the service and query."""

from __future__ import annotations

from .eligibility import Eligibility, Person, targets
from .lexicon import need_label
from .text import STOPWORDS, stem, words
from .types import Query, ServiceDoc, minutes

DAY_NAMES = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
_MAX_TOPICS = 3
# Words a referral and a listing share without either being about them ("meet new people", "would like").
_DULL = frozenset(
    {
        "meet", "meeting", "want", "wants", "like", "likes", "would", "feel", "feels", "love", "loves", "used",
        "make", "made", "more", "some", "enjoy", "enjoys", "lives", "living", "new", "back", "again", "recently",
        "really", "very", "much", "time", "times", "take", "takes", "week", "year", "years",
        "never", "always", "anyone", "anybody", "everyone", "everybody", "someone", "somebody", "nobody", "died",
        "dies", "seen", "sees", "thing", "things", "good", "well", "still", "since", "ever", "little", "lots",
        "around", "first", "last", "other", "others", "days", "able", "going", "gets", "getting", "keep", "keeps",
    }
)  # fmt: skip


def distance_text(km: float) -> str:
    if km < 0.1:
        return "under 100 m away"
    if km < 10:
        return f"{km:.1f} km away"
    return f"{km:.0f} km away"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def when_text(doc: ServiceDoc, query: Query) -> str | None:
    """The first weekly time that suits the person ("Tuesdays 10:00", "Mondays and Thursdays 14:00")."""
    sessions = sorted(doc.schedules, key=lambda s: (s.weekday, minutes(s.start)))
    fitting = [
        s
        for s in sessions
        if (not query.days or s.weekday in query.days)
        and (
            not query.times
            or any(minutes(s.start) < minutes(e) and minutes(s.end) > minutes(b) for b, e in query.times)
        )
    ]
    if not fitting:
        return None
    start = fitting[0].start
    days = list(dict.fromkeys(DAY_NAMES[s.weekday] for s in fitting if s.start == start))
    shown = days if len(days) <= 3 else [*days[:2], f"{len(days) - 2} more days"]
    return f"{_join(shown)} {start}"


def topics(doc: ServiceDoc, query: Query, shared_needs: list[str]) -> list[str]:
    """Matched needs, then the person's own words that the listing also uses ("singing")."""
    found = [need_label(code) for code in shared_needs]
    listing_words: dict[str, str] = {}
    for word in words(doc.text()):
        if word not in STOPWORDS and len(word) > 3:
            listing_words.setdefault(stem(word), word)
    covered = {stem(w) for label in found for w in words(label)}
    for word in words(query.text):
        key = stem(word)
        if word in STOPWORDS or word in _DULL or len(word) <= 3 or key in covered or key not in listing_words:
            continue
        covered.add(key)
        found.append(listing_words[key])
    return found[:_MAX_TOPICS]


def build(
    doc: ServiceDoc,
    query: Query,
    *,
    distance_km: float | None,
    in_person: bool,
    shared_needs: list[str],
    rule: Eligibility,
    person: Person,
) -> list[str]:
    reasons: list[str] = []
    if in_person and distance_km is not None:
        reasons.append(distance_text(distance_km))
    elif not in_person:
        usable = ("home_visit", "phone", "online") if (query.remote_ok or person.housebound) else ("home_visit",)
        modes = [m for m in usable if m in doc.delivery]
        labels = {"home_visit": "home visits", "phone": "by phone", "online": "online"}
        if modes:
            reasons.append(_join([labels[m] for m in modes]))
    if doc.is_free:
        reasons.append("free")
    elif doc.cost_text:
        reasons.append(doc.cost_text)
    when = when_text(doc, query)
    if when:
        reasons.append(when)
    about = topics(doc, query, shared_needs)
    if about:
        reasons.append("about " + _join(about))
    if targets(rule, person):
        reasons.extend(rule.describe())
    if query.step_free and in_person and doc.step_free:
        reasons.append("step-free access")
    if doc.places_available:
        reasons.append(f"{doc.places_available} place{'s' if doc.places_available != 1 else ''} free")
    elif doc.waiting_list:
        reasons.append(f"waiting list of {doc.waiting_list}")
    elif doc.places_available == 0:
        reasons.append("full at the moment")
    return reasons
