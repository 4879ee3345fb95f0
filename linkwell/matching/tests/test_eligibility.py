from __future__ import annotations

import pytest

from linkwell.matching.eligibility import Eligibility, Person, admits, combine, extract, targets
from linkwell.matching.lexicon import conditions_in, needs_in_listing, needs_in_referral

CARERS_AND_DEMENTIA = Eligibility(conditions=frozenset({"dementia"}), carers=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A friendly group for men over 50 who like making things", Eligibility(sex="male", min_age=50)),
        ("Men's Shed: a workshop and a cuppa", Eligibility(sex="male")),
        ("Women only swim session", Eligibility(sex="female")),
        ("A walking group for women", Eligibility(sex="female")),
        ("A club for men and women of all ages", Eligibility()),
        ("Mental health peer support for anyone", Eligibility()),
        ("Support for unpaid carers", Eligibility(carers=True)),
        ("Carers' café: a break and a brew", Eligibility(carers=True)),
        ("For people living with dementia and their carers", CARERS_AND_DEMENTIA),
        ("Dementia-friendly swimming, all welcome", Eligibility()),
        ("Parkinson's UK support group", Eligibility(conditions=frozenset({"parkinsons"}))),
        ("Breathe Easy: for people with COPD and other lung conditions", Eligibility(conditions=frozenset({"copd"}))),
        ("Stroke survivors group", Eligibility(conditions=frozenset({"stroke"}))),
        ("Over 50s walking football", Eligibility(min_age=50)),
        ("Chair-based exercise for adults 60+", Eligibility(min_age=60)),
        ("Young people aged 16–25 who want to get into work", Eligibility(min_age=16, max_age=25)),
        ("Under 18s football", Eligibility(max_age=17)),
        ("Bereavement café for anyone who has lost someone", Eligibility(bereaved=True)),
        ("Telephone befriending for people who feel lonely", Eligibility()),
        ("Tea dance 10:00-12:00, £2", Eligibility()),
        ("Free debt advice for everyone in Wellbrook", Eligibility()),
        # A sentence of one word says who it is for; "not only men" says it is for everyone.
        ("Oakmere WI. Talks, crafts and cake. Women.", Eligibility(sex="female")),
        ("Shed Saturday: bike repair café. Open to everyone, not only men.", Eligibility()),
        # A BMI over 30 is not an age.
        ("Healthy weight programme. Adults with a BMI over 30 (27.5 for some ethnic groups).", Eligibility(min_age=18)),
        # Carers, family of someone with an addiction, parent carers: only they may come.
        ("Pamper sessions. Registered carers.", Eligibility(carers=True)),
        ("Support for family members of someone with an alcohol or drug problem.", Eligibility(carers=True)),
        ("Parent carers' coffee morning. Parents of disabled children.", Eligibility(carers=True)),
        ("Dads' walk for dads with children under five.", Eligibility(sex="male", parents=True)),
        # A who-for sentence starting "Adults" is for adults, unless children come too.
        ("Budgeting and money skills. Adults on a low income.", Eligibility(min_age=18)),
        ("Wellbeing text line. Adults.", Eligibility(min_age=18)),
        ("Pottery. Adults and children welcome.", Eligibility()),
        ("Get online. Adults of any age.", Eligibility()),
        # Carers of someone with a condition, not the people with it; "with their carers" lets carers come too.
        (
            "Parkinson's carers' coffee. Carers of people with Parkinson's.",
            Eligibility(conditions=frozenset({"parkinsons"}), carers=True, carers_only=True),
        ),
        (
            "Memory café. People with a dementia diagnosis, with their carers.",
            Eligibility(conditions=frozenset({"dementia"}), carers=True),
        ),
        # A stop smoking service is for smokers.
        (
            "Stop smoking service. Adults who want to stop smoking.",
            Eligibility(min_age=18, conditions=frozenset({"smoking"})),
        ),
    ],
)
def test_it_reads_who_a_listing_is_for(text: str, expected: Eligibility) -> None:
    assert extract(text) == expected


@pytest.mark.parametrize(
    ("text", "min_age", "max_age"),
    [
        ("Day centre for older people. Day care with lunch and transport.", 50, None),
        ("Elders' lunch club: dominoes and Caribbean food.", 50, None),
        ("Afternoon club for older villagers: quizzes and bingo.", 50, None),
        ("Youth football and mentoring for young people.", None, 25),
        # A number said outright wins; "all ages" and intergenerational groups are for everyone.
        ("Lunch for older people aged 60 and over.", 60, None),
        ("Intergenerational gardening for older people and local schoolchildren.", None, None),
        ("A choir for all ages, including older people.", None, None),
        ("Support for older people's carers and their families.", None, None),
    ],
)
def test_it_reads_age_groups_named_without_numbers(text: str, min_age: int | None, max_age: int | None) -> None:
    rule = extract(text)
    assert (rule.min_age, rule.max_age) == (min_age, max_age)


def test_ages_the_directory_gives_win_over_ages_implied_by_words() -> None:
    # "Adults" with 16 set as the minimum in the directory meant 16; a number in the words is still read.
    text = "Talking therapies. Adults registered with a Wellbrook GP."
    assert extract(text).min_age == 18
    assert extract(text, ages_given=True).min_age is None
    assert combine(extract(text, ages_given=True), 16, None).min_age == 16
    assert extract("Walking football for over 50s.", ages_given=True).min_age == 50
    # The adults here are the ones who need care; their carers may be any age.
    assert extract("Adults who need care and support, and their carers.").min_age is None


def test_it_admits_only_people_the_listing_is_for() -> None:
    men_over_50 = Eligibility(sex="male", min_age=50)
    assert admits(men_over_50, Person(age=60, sex="male"))
    assert not admits(men_over_50, Person(age=60, sex="female"))
    assert not admits(men_over_50, Person(age=40, sex="male"))
    # Unknown age or sex does not exclude: the link worker can check.
    assert admits(men_over_50, Person())

    assert admits(CARERS_AND_DEMENTIA, Person(conditions=frozenset({"dementia"})))
    # Its carers come too: the carer of someone with dementia, not every carer (a referral's conditions are
    # whoever's it talks about: "looks after her husband who has Alzheimer's").
    assert admits(CARERS_AND_DEMENTIA, Person(is_carer=True, conditions=frozenset({"dementia"})))
    assert not admits(CARERS_AND_DEMENTIA, Person(is_carer=True))
    assert not admits(CARERS_AND_DEMENTIA, Person(is_carer=True, conditions=frozenset({"ms"})))
    # The condition of the person they look after opens carers' groups for it, not groups for people with it.
    mums_carer = Person(is_carer=True, cared_for_conditions=frozenset({"heart"}))
    assert admits(Eligibility(conditions=frozenset({"heart"}), carers=True), mums_carer)
    assert not admits(Eligibility(conditions=frozenset({"heart"})), mums_carer)
    carers_only = Eligibility(conditions=frozenset({"parkinsons"}), carers=True, carers_only=True)
    assert admits(carers_only, Person(is_carer=True, conditions=frozenset({"parkinsons"})))
    assert not admits(carers_only, Person(conditions=frozenset({"parkinsons"})))
    assert carers_only.describe() == ["for carers of people living with Parkinson's"]
    assert not admits(CARERS_AND_DEMENTIA, Person(conditions=frozenset({"copd"})))
    assert not admits(Eligibility(carers=True), Person())
    assert not admits(Eligibility(bereaved=True), Person())
    assert admits(Eligibility(bereaved=True), Person(bereaved=True))


def test_it_prefers_listings_made_for_the_person() -> None:
    assert targets(Eligibility(sex="male"), Person(sex="male"))
    assert not targets(Eligibility(sex="male"), Person())
    assert targets(Eligibility(carers=True), Person(is_carer=True))
    assert targets(Eligibility(min_age=65), Person(age=70))
    assert not targets(Eligibility(), Person(age=70, sex="male", is_carer=True))


def test_it_keeps_the_stricter_of_the_directory_fields_and_the_prose() -> None:
    assert combine(Eligibility(min_age=50), 18, None) == Eligibility(min_age=50)
    assert combine(Eligibility(min_age=50), None, 40) == Eligibility(min_age=None, max_age=40)


def test_it_describes_restrictions_in_plain_words() -> None:
    assert Eligibility(sex="male", min_age=50).describe() == ["for men", "for over 50s"]
    assert CARERS_AND_DEMENTIA.describe() == ["for people living with dementia and their carers"]
    assert Eligibility(min_age=16, max_age=25).describe() == ["for ages 16–25"]


@pytest.mark.parametrize(
    ("referral", "needs"),
    [
        (
            "He's been on his own since his wife died and barely leaves the house",
            {"loneliness", "bereavement"},
        ),
        ("Struggling with money, can't pay the gas bills", {"debt"}),
        ("Looks after her husband who has Parkinson's", {"caring", "long_term_condition"}),
        ("Lost his job in March, feeling low", {"employment", "low_mood"}),
        ("Would like to get back into singing", {"arts"}),
        ("Drinks too much since the divorce", {"substance_use"}),
    ],
)
def test_it_hears_needs_in_a_referrals_own_words(referral: str, needs: set[str]) -> None:
    assert needs_in_referral(referral) == needs


def test_it_reads_needs_and_conditions_from_listings() -> None:
    assert needs_in_listing("Telephone befriending for older people") == {"loneliness"}
    assert "debt" in needs_in_listing("Free confidential debt advice and budgeting")
    # A listing run by volunteers is not a volunteering opportunity.
    assert "volunteering" not in needs_in_listing("A lunch club run by volunteers")
    assert conditions_in("She has COPD and early dementia") == {"copd", "dementia"}


def test_groups_for_parents_of_babies_are_read_and_kept_for_parents() -> None:
    from linkwell.matching.eligibility import Person, admits, extract

    for text in (
        "Befriending for new mums",
        "Buggy walk and baby chat",
        "Polish mums and toddlers",
        "A postnatal wellbeing group",
        "For parents of under-fives",
    ):
        assert extract(text).parents, text
    for text in ("Parent carers' coffee morning", "Holiday lunch club for families", "Dementia-friendly swimming"):
        assert not extract(text).parents, text
    rule = extract("Befriending for new mums")
    assert not admits(rule, Person(age=86, sex="female"))
    assert admits(rule, Person(age=29, sex="female", young_child=True))
    assert "for parents of babies and young children" in rule.describe()


def test_groups_held_in_another_language_are_for_its_speakers() -> None:
    from linkwell.matching.eligibility import Person, admits, extract

    assert extract("English for Polish speakers").languages == {"polish"}
    assert extract("Polish community advice (in Polish)").languages == {"polish"}
    assert extract("Coffee for Polish-speaking older people").languages == {"polish"}
    # Also held in English: open to everyone.
    assert not extract("Lunch and chat (Urdu and Punjabi), in Urdu, Punjabi and English").languages
    assert not extract("Talks on diabetes in English, Urdu and Bengali").languages
    rule = extract("English for Polish speakers")
    assert not admits(rule, Person(age=36))
    assert not admits(rule, Person(age=36, languages=frozenset({"arabic"})))
    assert admits(rule, Person(age=70, languages=frozenset({"polish"})))
    assert "for Polish speakers" in rule.describe()


def test_a_group_for_people_bereaved_by_suicide_is_kept_for_them() -> None:
    from linkwell.matching.eligibility import Person, admits, extract

    rule = extract("Bereaved by suicide support group. Adults bereaved by suicide.")
    assert rule.suicide
    assert not admits(rule, Person(age=72, bereaved=True))
    assert admits(rule, Person(age=55, bereaved=True, suicide_bereaved=True))
    assert not extract("Bereavement support group for anyone who has lost someone").suicide
