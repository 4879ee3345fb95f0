"""What a link worker hears in everyday words: housebound, interests, needs."""

from __future__ import annotations

import pytest

from linkwell.matching.lexicon import (
    adult_in,
    cared_for_conditions_in,
    conditions_in,
    housebound_in,
    interests_in,
    languages_in,
    needs_in_referral,
    own_sex_group_in,
    situations_in,
    suicide_loss_in,
    young_child_in,
)


@pytest.mark.parametrize(
    "text",
    [
        "Housebound since she fell in the kitchen.",
        "He is bed-bound after the operation.",
        "She can't get out of the house without help.",
        "Unable to leave the flat since his stroke.",
        "Confined to the house by her breathing.",
    ],
)
def test_it_hears_when_someone_cannot_leave_home(text: str) -> None:
    assert housebound_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "Lives on her own and barely goes out.",
        "Too scared to go out since her falls.",
        "Wants to get out of the house more.",
        "",
    ],
)
def test_lonely_or_anxious_is_not_housebound(text: str) -> None:
    assert not housebound_in(text)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Retired joiner, always good with his hands.", "woodwork"),
        ("Keeps going over, three falls this year.", "strength and balance"),
        ("The one thing that calms him is being by the water with a rod.", "fishing"),
        ("Only thing he still enjoys is a kickabout.", "football"),
        ("Used to sing in the church choir.", "singing"),
        ("Loves books and local history.", "reading"),
        ("Wants to give something back.", "volunteering"),
    ],
)
def test_it_hears_what_someone_enjoys(text: str, words: str) -> None:
    assert any(words in found for found in interests_in(text))


def test_interests_are_not_read_into_unrelated_words() -> None:
    # Struggling with reading is a need (learning), not a love of books.
    assert interests_in("Admits he struggles with reading and forms.") == []
    assert "learning" in needs_in_referral("Admits he struggles with reading and forms.")
    assert interests_in("Letters from the bailiffs piling up on the mat.") == []
    assert "football" not in " ".join(interests_in("Bullied at school, confidence gone."))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Memory going, recently diagnosed.", "after a new diagnosis"),
        ("Family arrived from Syria last year.", "refugee"),
        ("Gets panic attacks on the bus. Wants to learn how to cope.", "managing anxiety"),
        ("Arthritis in both knees, wants something gentle.", "low-impact"),
        ("Hears voices, under the mental health team.", "recovery college"),
        ("Looks after her autistic son of nine.", "parent carers"),
        ("Wife says he is under her feet all day.", "something to do"),
        ("Cares for his wife and wants to know what help he is entitled to.", "what help is available"),
        ("Evenings are the hardest.", "evening"),
    ],
)
def test_it_thinks_of_the_services_a_situation_calls_for(text: str, words: str) -> None:
    assert any(words in found for found in situations_in(text))


def test_a_worn_out_carer_is_heard_as_needing_a_break_and_no_one_else_is() -> None:
    text = "Looks after her husband with Alzheimer's, worn out, can't leave him on his own."
    assert any("a break from caring" in words for words in situations_in(text, carer=True))
    assert not any("caring" in words for words in situations_in("Worn out after night shifts at the warehouse."))


def test_situations_are_not_read_into_passing_words() -> None:
    # Feeling anxious is a mood, not a request for an anxiety course; the needs already carry it.
    assert situations_in("Low and anxious, would like to meet people her own age.") == []
    assert situations_in("Lives alone, loves her garden.") == []


def test_it_hears_when_someone_wants_a_group_of_their_own_sex() -> None:
    assert own_sex_group_in("Wants to get moving with other blokes before work.")
    assert own_sex_group_in("Would only go somewhere with just women.")
    assert own_sex_group_in("Prefers a women-only session.")
    assert not own_sex_group_in("Lost his wife in the spring and the evenings are long.")
    assert not own_sex_group_in("Her husband has dementia.")


def test_needs_are_read_from_everyday_words() -> None:
    assert "caring" in needs_in_referral("At her wits' end with her son's drinking.")
    assert "caring" in needs_in_referral("Her husband has been gambling again.")
    assert "employment" in needs_in_referral("Some English, keen to work.")
    assert "housing" in needs_in_referral("Has to move out of the hotel soon.")
    assert "loneliness" in needs_in_referral("Sits in the chair with the telly on all day.")
    assert "learning" in needs_in_referral("Her English is basic.")
    assert "loneliness" in needs_in_referral("He doesn't know a soul round here.")
    assert "debt" in needs_in_referral("Letters from the bailiffs piling up.")
    assert "substance_use" in needs_in_referral("Has been betting on his phone for a year.")
    assert "caring" in needs_in_referral("15, does most of the looking after since her mum's MS got worse.")


def test_sight_loss_is_heard_in_its_everyday_names() -> None:
    for text in ("Her macular degeneration has got worse.", "Glaucoma in both eyes.", "Losing her sight."):
        assert "sight_loss" in conditions_in(text)


def test_it_hears_an_adult_when_no_age_is_given() -> None:
    for text in ("My wife died last year.", "Widowed and retired.", "Misses the grandchildren.", "On a state pension."):
        assert adult_in(text)
    for text in ("Bullied at school.", "Her mum has MS.", "Wants to make friends."):
        assert not adult_in(text)


def test_it_hears_a_baby_or_young_child_at_home() -> None:
    for text in (
        "Four month old baby, mum tearful.",
        "First baby is 4 months old.",
        "Something to do with her baby.",
        "She is pregnant with her second.",
        "Dad of a 2-year-old.",
    ):
        assert young_child_in(text), text
    for text in ("12 year old girl caring for her mum.", "Lost his wife last year.", "Misses the grandchildren."):
        assert not young_child_in(text), text


def test_it_hears_which_language_someone_may_speak() -> None:
    assert languages_in("Polish lady in her seventies, her English isn't great.") == {"polish"}
    assert languages_in("Family arrived from Syria last year.") == {"arabic"}
    assert languages_in("Lost his wife last year.") == frozenset()


def test_it_hears_a_loss_to_suicide() -> None:
    assert suicide_loss_in("Her son took his own life last year.")
    assert suicide_loss_in("Lost her brother to suicide in May.")
    assert not suicide_loss_in("Husband died in the spring.")
    assert not suicide_loss_in("Has had suicidal thoughts.")


def test_a_carers_referral_names_the_cared_for_persons_conditions_apart() -> None:
    text = "Looks after his mum (86, heart failure, very frail) who lives with him."
    assert cared_for_conditions_in(text) == {"heart"}
    # Her own condition, said in a sentence of its own, stays hers.
    assert cared_for_conditions_in("Cares for her husband who has Alzheimer's. She has COPD herself.") == {"dementia"}
    assert cared_for_conditions_in("COPD, puffed out on the stairs. Wife worries.") == set()


def test_young_children_are_heard_in_ages_given_in_passing() -> None:
    assert young_child_in("Has the kids (4 and 7) at weekends.")
    assert young_child_in("Her 4-year-old starts nursery soon.")
    assert not young_child_in("Kids aged 9 and 12.")
