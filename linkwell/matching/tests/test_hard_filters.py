"""The hard rules never let an inactive, stale, ineligible or unreachable service through."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkwell.matching import Location, MatchIndex, Query, ServiceDoc, Session, rank
from linkwell.matching.filters import covers_area, exclusions, interpret, nearest_km

from .fakes import HashingEncoder

CENTRE = (53.80, -1.55)

NAMES = [
    ("Community choir", "Sing together every week, all welcome."),
    ("Men's Shed", "A workshop where men make things and chat."),
    ("Women only swim", "Relaxed swimming for women."),
    ("Carers' café", "A break and a brew for unpaid carers."),
    ("Memory café", "For people living with dementia and their carers."),
    ("Breathe Easy", "For people with COPD and other lung conditions."),
    ("Bereavement group", "Bereavement support group for anyone who has lost a partner."),
    ("Over 50s walk", "Gentle walks for over 50s."),
    ("Youth club", "Young people aged 11–18."),
    ("Debt advice", "Free help with debts, bills and budgeting."),
    ("Befriending", "Weekly calls for people who feel lonely."),
    ("Buggy walk", "A walk and a chat for new mums, babies in buggies welcome."),
    ("Klub Seniora", "Coffee and trips for Polish-speaking older people."),
    ("Parkinson's carers' coffee", "Carers of people with Parkinson's."),
    ("Cardiac rehab", "For people who have finished hospital cardiac rehab."),
    ("Stop smoking", "Adults who want to stop smoking."),
]
TEXTS = [
    "",
    "He has been on his own since his wife died",
    "struggling with money and bills",
    "looks after his wife who has dementia",
    "has COPD and gets breathless, would like to get out more",
    "feels low and anxious",
    "housebound since her fall and lives on her own",
    "four month old baby, mum tearful and knows nobody",
    "Polish lady, on her own since her husband passed",
    "Looks after his mum who has Parkinson's and heart failure.",
    "Heart attack in the spring. Smokes twenty a day.",
]


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


SESSION = st.builds(
    lambda day, start, length: Session(day, _hhmm(start * 15), _hhmm(start * 15 + length * 15)),
    st.integers(0, 6),
    st.integers(6 * 4, 20 * 4),
    st.integers(1, 12),
)
LOCATION = st.builds(
    Location,
    st.floats(CENTRE[0] - 0.2, CENTRE[0] + 0.2),
    st.floats(CENTRE[1] - 0.3, CENTRE[1] + 0.3),
    st.just("venue"),
)
DELIVERY = st.frozensets(st.sampled_from(["in_person", "phone", "online", "home_visit"]), min_size=1)
AREAS = st.frozensets(st.sampled_from(["LW1", "LW2", "LW"]), max_size=2)
LANGUAGES = st.sampled_from([[], ["English"], ["Polish"], ["English", "Urdu"]])
MAYBE_AGE = st.none() | st.integers(0, 80)
MAYBE_COUNT = st.none() | st.integers(0, 5)


@st.composite
def service_docs(draw: st.DrawFn, service_id: str) -> ServiceDoc:
    name, description = draw(st.sampled_from(NAMES))
    min_age = draw(MAYBE_AGE)
    max_age = draw(st.none() | st.just((min_age or 0) + draw(st.integers(0, 40))))
    return ServiceDoc(
        id=service_id,
        name=name,
        description=description,
        min_age=min_age,
        max_age=max_age,
        is_free=draw(st.booleans()),
        cost_text="£3",
        step_free=draw(st.sampled_from([None, True, False])),
        locations=draw(st.lists(LOCATION, max_size=3)),
        delivery=draw(DELIVERY),
        service_area_outcodes=draw(AREAS),
        schedules=draw(st.lists(SESSION, max_size=3)),
        languages=draw(LANGUAGES),
        places_available=draw(MAYBE_COUNT),
        waiting_list=draw(MAYBE_COUNT),
        active=draw(st.booleans()),
        stale=draw(st.booleans()),
    )


@st.composite
def directories(draw: st.DrawFn) -> list[ServiceDoc]:
    count = draw(st.integers(1, 25))
    return [draw(service_docs(f"svc-{i:03d}")) for i in range(count)]


@st.composite
def queries(draw: st.DrawFn) -> Query:
    located = draw(st.booleans())
    start = draw(st.integers(6 * 4, 20 * 4)) * 15
    times = draw(st.sampled_from([(), ((_hhmm(start), _hhmm(start + 120)),)]))
    return Query(
        text=draw(st.sampled_from(TEXTS)),
        needs=frozenset(draw(st.sets(st.sampled_from(["loneliness", "debt", "caring", "bereavement"]), max_size=2))),
        lat=CENTRE[0] + draw(st.floats(-0.1, 0.1)) if located else None,
        lng=CENTRE[1] + draw(st.floats(-0.1, 0.1)) if located else None,
        outcode=draw(st.sampled_from([None, "LW1 2AB", "LW2", "LS6 1AA"])),
        age=draw(st.none() | st.integers(5, 95)),
        sex=draw(st.sampled_from([None, "female", "male"])),
        conditions=frozenset(draw(st.sets(st.sampled_from(["dementia", "copd", "parkinsons"]), max_size=1))),
        is_carer=draw(st.booleans()),
        free_only=draw(st.booleans()),
        step_free=draw(st.booleans()),
        days=frozenset(draw(st.sets(st.integers(0, 6), max_size=3))),
        times=times,
        max_km=draw(st.sampled_from([1.0, 3.0, 8.0, 20.0])),
        remote_ok=draw(st.booleans()),
        housebound=draw(st.booleans()),
        language=draw(st.sampled_from([None, "English", "Polish", "ur"])),
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs=directories(), query=queries())
def test_it_never_returns_an_inactive_stale_ineligible_or_unreachable_service(
    docs: list[ServiceDoc], query: Query
) -> None:
    index = MatchIndex.build(docs, encoder=HashingEncoder())
    matches = rank(query, index, limit=len(docs))
    reading = interpret(query)

    # The vectorised rules agree with the one-service-at-a-time rules, both ways.
    assert {m.service.id for m in matches} == {d.id for d in docs if not exclusions(d, query, reading)}

    # And, stated directly from the service's own fields:
    for match in matches:
        doc = match.service
        assert doc.active and not doc.stale
        if query.age is not None:
            assert doc.min_age is None or doc.min_age <= query.age
            assert doc.max_age is None or query.age <= doc.max_age
        elif reading.person.adult:
            # "Since his wife died": no age given, but not a child.
            assert doc.max_age is None or doc.max_age >= 18
        if query.sex == "female":
            assert doc.name != "Men's Shed"
        if query.sex == "male":
            assert doc.name != "Women only swim"
        if doc.name == "Buggy walk":
            assert reading.person.young_child
        if doc.name == "Klub Seniora":
            assert "polish" in reading.person.languages
        if query.free_only:
            assert doc.is_free
        housebound = reading.person.housebound
        remote = covers_area(doc, reading) and (
            "home_visit" in doc.delivery
            or ((query.remote_ok or housebound) and bool(doc.delivery & {"phone", "online"}))
        )
        if query.step_free and doc.step_free is not True:
            assert remote
        if housebound:
            # Someone who cannot leave home is offered only what reaches them at home.
            assert remote
        distance = nearest_km(doc, query)
        if query.lat is not None and not remote:
            assert distance is not None and distance <= query.max_km
            assert match.distance_km is not None and math.isclose(match.distance_km, distance, abs_tol=1e-3)


def test_it_explains_why_a_service_is_left_out() -> None:
    shed = ServiceDoc(
        id="shed",
        name="Men's Shed",
        description="A workshop for men.",
        locations=[Location(53.9, -1.55)],
        is_free=False,
        active=False,
    )
    query = Query(sex="female", lat=53.80, lng=-1.55, max_km=5, free_only=True)
    why = exclusions(shed, query)
    assert why == ["not running", "eligibility: for men", "not free", "11.1 km away (more than 5 km)"]


def test_it_offers_a_remote_service_only_to_people_in_its_area_who_can_use_the_phone() -> None:
    calls = ServiceDoc(
        id="calls", name="Telephone befriending", delivery=frozenset({"phone"}), service_area_outcodes=frozenset({"LW"})
    )
    index = MatchIndex.build([calls], encoder=HashingEncoder())
    assert [m.service.id for m in rank(Query(outcode="LW3 1AA", remote_ok=True), index)] == ["calls"]
    assert rank(Query(outcode="LS6 1AA", remote_ok=True), index) == []
    assert rank(Query(outcode="LW3 1AA", remote_ok=False), index) == []


def test_someone_who_cannot_leave_home_is_offered_only_what_reaches_them_there() -> None:
    visits = ServiceDoc(
        id="visits",
        name="Home visits",
        description="A volunteer visits you at home for a chat.",
        delivery=frozenset({"home_visit"}),
    )
    calls = ServiceDoc(
        id="calls", name="Friendly calls", description="A weekly chat on the phone.", delivery=frozenset({"phone"})
    )
    cafe = ServiceDoc(id="cafe", name="Friendship café", description="Tea and a chat.", locations=[Location(*CENTRE)])
    index = MatchIndex.build([visits, calls, cafe], encoder=HashingEncoder())
    lat, lng = CENTRE

    # Read from the referral's own words, or ticked by the link worker.
    for query in (
        Query(text="Housebound since her fall, lives on her own and nobody visits.", lat=lat, lng=lng),
        Query(text="Lives on her own and nobody visits.", housebound=True, lat=lat, lng=lng),
    ):
        assert {m.service.id for m in rank(query, index)} == {"visits", "calls"}
        assert exclusions(cafe, query) == ["they cannot leave home, and this happens in person"]
        by_id = {m.service.id: m for m in rank(query, index)}
        assert "by phone" in by_id["calls"].reasons
        assert "home visits" in by_id["visits"].reasons

    # "Barely goes out" is lonely, not housebound: the café stays on the list.
    lonely = Query(text="Lives on her own and barely goes out.", lat=lat, lng=lng)
    assert "cafe" in {m.service.id for m in rank(lonely, index)}


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("is_carer", [False, True])
@pytest.mark.parametrize("conditions", [frozenset(), frozenset({"dementia"}), frozenset({"parkinsons"})])
def test_the_vectorised_rules_agree_with_the_one_at_a_time_rules_for_every_listing(
    text: str, is_carer: bool, conditions: frozenset[str]
) -> None:
    # Every listing of NAMES against every referral text, carer or not, with or without a known condition: the
    # combinations the random test above may not happen to draw.
    docs = [ServiceDoc(id=f"s{i}", name=name, description=description) for i, (name, description) in enumerate(NAMES)]
    index = MatchIndex.build(docs, encoder=HashingEncoder())
    query = Query(text=text, is_carer=is_carer, conditions=conditions)
    reading = interpret(query)
    matched = {m.service.id for m in rank(query, index, limit=len(docs))}
    assert matched == {d.id for d in docs if not exclusions(d, query, reading)}
