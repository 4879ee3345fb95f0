from __future__ import annotations

import dataclasses
import re

import pytest

from linkwell.matching import Location, MatchIndex, OutcomeStats, Query, ServiceDoc, Session, Weights, rank
from linkwell.matching.reasons import DAY_NAMES

from .fakes import HashingEncoder

HOME = (53.800, -1.550)


def _at(km_north: float) -> list[Location]:
    return [Location(HOME[0] + km_north / 111.2, HOME[1], "hall")]


CHOIR = ServiceDoc(
    id="choir",
    name="Singing for the Soul",
    description="A friendly community choir for anyone feeling lonely or low. Tea afterwards.",
    locations=_at(1.2),
    schedules=[Session(1, "10:00", "11:30")],
    places_available=2,
    step_free=True,
)
DEBT = ServiceDoc(
    id="debt",
    name="Money Matters",
    description="Free confidential debt advice: help with bills, arrears and budgeting.",
    locations=_at(0.5),
    schedules=[Session(3, "09:30", "12:00")],
)
BEFRIENDING = ServiceDoc(
    id="befriend",
    name="Telephone befriending",
    description="Weekly friendly calls from a volunteer for people who are lonely or isolated.",
    delivery=frozenset({"phone"}),
    service_area_outcodes=frozenset({"LW1"}),
    waiting_list=5,
    places_available=0,
)
SHED = ServiceDoc(
    id="shed",
    name="Wellbrook Men's Shed",
    description="A workshop for men to make things together, chat and meet new people.",
    locations=_at(3.0),
    is_free=False,
    cost_text="£2 a visit",
)
WIDOWS = ServiceDoc(
    id="widows",
    name="Bereavement café",
    description="A bereavement café for anyone who has lost a partner.",
    locations=_at(2.0),
    schedules=[Session(4, "14:00", "16:00")],
)
DIRECTORY = [CHOIR, DEBT, BEFRIENDING, SHED, WIDOWS]
LONELY_MAN = Query(
    text="He's been on his own since his wife died and barely leaves the house. Used to love singing.",
    lat=HOME[0],
    lng=HOME[1],
    outcode="LW1 2AB",
    age=79,
    sex="male",
    remote_ok=True,
)


@pytest.fixture
def index() -> MatchIndex:
    return MatchIndex.build(DIRECTORY, encoder=HashingEncoder())


def test_it_puts_what_the_referral_is_about_first_and_explains_it(index: MatchIndex) -> None:
    # The stand-in encoder's similarities are noise; the real model is tested in test_embeddings.py.
    matches = rank(LONELY_MAN, index, Weights(semantic=0.0))
    ids = [m.service.id for m in matches]
    assert ids[:2] == ["choir", "widows"]
    assert ids[-1] == "debt"
    choir = matches[0]
    assert choir.reasons == [
        "1.2 km away",
        "free",
        "Tuesdays 10:00",
        "about arts and creativity, loneliness and singing",
        "2 places free",
    ]
    assert all(0.0 <= value <= 1.0 for m in matches for value in m.components.values())
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_its_reasons_are_facts_of_the_service(index: MatchIndex) -> None:
    for match in rank(LONELY_MAN, index, limit=10):
        doc = match.service
        text = " · ".join(match.reasons)
        assert ("free" in match.reasons) == doc.is_free
        if not doc.is_free:
            assert doc.cost_text in match.reasons
        for found in re.finditer(r"([\d.]+) km away", text):
            assert match.distance_km is not None and abs(float(found.group(1)) - match.distance_km) <= 0.05
        for day in DAY_NAMES:
            if day in text:
                assert DAY_NAMES.index(day) in {s.weekday for s in doc.schedules}
        if "places free" in text or "place free" in text:
            assert f"{doc.places_available} place" in text
        if "waiting list" in text:
            assert f"waiting list of {doc.waiting_list}" in text
        if "by phone" in text:
            assert "phone" in doc.delivery and match.distance_km is None
        if "for men" in match.reasons:
            assert "men" in doc.text().lower()


def test_it_says_why_a_targeted_service_fits(index: MatchIndex) -> None:
    shed = next(m for m in rank(LONELY_MAN, index) if m.service.id == "shed")
    assert "for men" in shed.reasons
    assert "£2 a visit" in shed.reasons
    # A group for his sex fits only partly; a group for what he is going through fits fully.
    assert shed.components["eligibility"] == Weights().group_fit
    widows = next(m for m in rank(LONELY_MAN, index) if m.service.id == "widows")
    assert widows.components["eligibility"] == 1.0
    befriending = next(m for m in rank(LONELY_MAN, index) if m.service.id == "befriend")
    assert befriending.reasons[0] == "by phone"
    assert "waiting list of 5" in befriending.reasons


def test_it_offers_bereavement_groups_only_to_bereaved_people(index: MatchIndex) -> None:
    assert "widows" in {m.service.id for m in rank(LONELY_MAN, index)}
    not_bereaved = Query(text="lonely, barely leaves the house", lat=HOME[0], lng=HOME[1], age=79, sex="male")
    assert "widows" not in {m.service.id for m in rank(not_bereaved, index)}


def test_it_keeps_to_the_days_and_times_the_person_can_go(index: MatchIndex) -> None:
    tuesday_morning = Query(lat=HOME[0], lng=HOME[1], days=frozenset({1}), times=(("09:00", "12:00"),))
    ids = {m.service.id for m in rank(tuesday_morning, index)}
    # The choir meets then; the debt clinic is on Thursdays; the shed publishes no times (by arrangement).
    assert ids == {"choir", "shed"}


def test_a_closer_service_scores_higher_when_all_else_is_equal() -> None:
    near = ServiceDoc(id="b-near", name="Walking group", description="Gentle walks.", locations=_at(0.5))
    far = ServiceDoc(id="a-far", name="Walking group", description="Gentle walks.", locations=_at(6.0))
    index = MatchIndex.build([far, near], encoder=HashingEncoder())
    matches = rank(Query(text="walks", lat=HOME[0], lng=HOME[1]), index)
    assert [m.service.id for m in matches] == ["b-near", "a-far"]
    assert matches[0].components["distance"] > matches[1].components["distance"]


def test_a_few_good_outcomes_do_not_outweigh_many() -> None:
    def walk(service_id: str, stats: OutcomeStats) -> ServiceDoc:
        return ServiceDoc(id=service_id, name="Walking group", description="Gentle walks.", past_outcomes=stats)

    docs = [
        walk("a-lucky", OutcomeStats(2, 2, 6.0)),
        walk("b-proven", OutcomeStats(120, 96, 3.5)),
        walk("c-average", OutcomeStats(300, 150, 1.0)),
    ]
    index = MatchIndex.build(docs, encoder=HashingEncoder())
    matches = {m.service.id: m for m in rank(Query(text="walks"), index)}
    assert matches["b-proven"].components["outcomes"] > matches["a-lucky"].components["outcomes"]
    assert matches["a-lucky"].components["outcomes"] > matches["c-average"].components["outcomes"]
    # Without enough history in the scheme, outcomes count for nothing.
    few = MatchIndex.build(
        [walk("x", OutcomeStats(5, 5, 4.0)), walk("y", OutcomeStats(5, 0, -2.0))], encoder=HashingEncoder()
    )
    scores = {m.service.id: m.score for m in rank(Query(text="walks"), few)}
    assert scores["x"] == scores["y"]


def test_it_uses_outcomes_for_the_persons_own_needs_when_known() -> None:
    hub = ServiceDoc(id="a", name="Community hub", description="Advice and activities.")
    docs = [
        dataclasses.replace(hub, past_outcomes=OutcomeStats(200, 100, 1.0)),
        dataclasses.replace(
            hub,
            id="b",
            past_outcomes=OutcomeStats(200, 100, 1.0),
            outcomes_by_need={"debt": OutcomeStats(80, 72, 4.0)},
        ),
    ]
    index = MatchIndex.build(docs, encoder=HashingEncoder())
    matches = rank(Query(text="struggling with money"), index)
    assert [m.service.id for m in matches] == ["b", "a"]
    assert matches[0].components["outcomes"] > matches[1].components["outcomes"]


def test_weights_come_from_scheme_settings_with_validation() -> None:
    assert Weights.from_dict({}) == Weights()
    assert Weights.from_dict({"distance": 0.4, "outcome_min_history": 50}).distance == 0.4
    for bad in ({"semantics": 1}, {"distance": -1}, {"distance": "far"}, {"distance_scale_km": 0}):
        with pytest.raises(ValueError):
            Weights.from_dict(bad)
    zero = dict.fromkeys(Weights().component_weights(), 0)
    with pytest.raises(ValueError):
        Weights.from_dict(zero)


def test_scheme_weights_change_the_order(index: MatchIndex) -> None:
    query = Query(text="money worries", lat=HOME[0], lng=HOME[1])
    by_distance = Weights.from_dict(dict.fromkeys(Weights().component_weights(), 0) | {"distance": 1.0})
    assert rank(query, index)[0].service.id == "debt"
    assert rank(query, index, by_distance)[0].service.id == "debt"
    assert rank(query, index, by_distance)[1].service.id == "choir"


REPAIR = ServiceDoc(
    id="repair",
    name="Repair café",
    description="Bring broken lamps and toasters; volunteers repair them with you in the workshop.",
    locations=_at(1.0),
)
CHAT = ServiceDoc(
    id="chat",
    name="Retired men's chat",
    description="A cuppa and a chat for retired people.",
    locations=_at(1.0),
)


def test_what_they_enjoy_is_searched_in_a_link_workers_words() -> None:
    index = MatchIndex.build([REPAIR, CHAT], encoder=HashingEncoder())
    said = "Retired, fed up with sitting about all day, his wife says."
    with_hands = Query(text=f"{said} Always good with his hands.", lat=HOME[0], lng=HOME[1])
    without = Query(text=said, lat=HOME[0], lng=HOME[1])
    # The listing never says "hands": "good with his hands" is read as making and fixing things.
    repair = next(m for m in rank(with_hands, index) if m.service.id == "repair")
    assert repair.components["lexical"] == 1.0
    assert next(m for m in rank(without, index) if m.service.id == "repair").components["lexical"] == 0.0


def test_the_referral_is_read_sentence_by_sentence() -> None:
    from linkwell.matching.rank import _clauses

    text = "Lost his wife last year, hardly goes out now. Used to sing with the church lot! Misses it; ok."
    assert _clauses(text) == ["Lost his wife last year, hardly goes out now.", "Used to sing with the church lot!"]


def test_inferred_needs_count_less_than_ticked_ones(index: MatchIndex) -> None:
    words_only = Query(text="struggling with money and bills", lat=HOME[0], lng=HOME[1])
    ticked = Query(text="struggling with money and bills", needs=frozenset({"debt"}), lat=HOME[0], lng=HOME[1])
    debt_words = next(m for m in rank(words_only, index) if m.service.id == "debt")
    debt_ticked = next(m for m in rank(ticked, index) if m.service.id == "debt")
    assert debt_ticked.components["needs"] == 1.0
    assert 0.0 < debt_words.components["needs"] <= 1.0
    # Weights say how much a need read from the words counts: none at all leaves only the ticked ones.
    none_inferred = Weights(inferred_need=0.0)
    assert next(m for m in rank(words_only, index, none_inferred) if m.service.id == "debt").components["needs"] == 0.0


def test_a_service_about_another_condition_does_not_meet_a_long_term_condition_need() -> None:
    memory = ServiceDoc(
        id="memory",
        name="Dementia advice clinic",
        description="Advice after a dementia diagnosis: what to expect and what help there is.",
        needs=["long_term_condition"],
        locations=_at(0.5),
    )
    living_well = ServiceDoc(
        id="living-well",
        name="Living well course",
        description="Six weeks on managing any long-term condition day to day.",
        needs=["long_term_condition"],
        locations=_at(0.5),
    )
    index = MatchIndex.build([memory, living_well], encoder=HashingEncoder())
    query = Query(
        text="COPD, puffed out on the stairs.", needs=frozenset({"long_term_condition"}), lat=HOME[0], lng=HOME[1]
    )
    matches = {m.service.id: m for m in rank(query, index)}
    assert {k: m.components["needs"] for k, m in matches.items()} == {"living-well": 1.0, "memory": 0.0}
    # And the reasons do not claim it either.
    assert not any("long-term condition" in reason for reason in matches["memory"].reasons)
    assert any("long-term condition" in reason for reason in matches["living-well"].reasons)
    # Someone living with dementia is met by both.
    dementia = dataclasses.replace(query, text="Recently diagnosed with dementia.")
    assert {m.components["needs"] for m in rank(dementia, index)} == {1.0}


def test_for_a_teenager_a_group_made_for_young_people_counts_as_made_for_them() -> None:
    youth = ServiceDoc(
        id="youth",
        name="Young people's wellbeing group",
        description="A group for anyone feeling low or anxious.",
        min_age=13,
        max_age=25,
        locations=_at(0.5),
    )
    older = ServiceDoc(
        id="older",
        name="Over 50s wellbeing group",
        description="A group for anyone feeling low or anxious.",
        min_age=50,
        locations=_at(0.5),
    )
    index = MatchIndex.build([youth, older], encoder=HashingEncoder())
    teen = Query(text="Feeling low and anxious.", age=16, lat=HOME[0], lng=HOME[1])
    assert [(m.service.id, m.components["eligibility"]) for m in rank(teen, index)] == [("youth", 1.0)]
    adult = dataclasses.replace(teen, age=60)
    # For a 60-year-old an open-ended "over 50s" group is no particular fit: only a narrow age band counts a little.
    assert [(m.service.id, m.components["eligibility"]) for m in rank(adult, index)] == [("older", 0.0)]
