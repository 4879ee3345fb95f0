import pytest

from linkwell.outcomes.scoring import (
    BUILT_IN_MEASURES,
    HEADLINE_SCORE_CODES,
    ONS4,
    SWEMWBS,
    SWEMWBS_METRIC,
    UCLA3,
    AnswerError,
    built_in_measure,
    custom_measure_from_dict,
    load_item_text,
    score_band,
    swemwbs_metric,
)

# --- ONS4 ------------------------------------------------------------------------------------------------------


def test_it_reports_the_four_ons4_scores_separately_and_leaves_anxiety_as_answered():
    scores = ONS4.score([7, 8, 6, 3])

    assert scores == {
        "ons4_life_satisfaction": 7,
        "ons4_worthwhile": 8,
        "ons4_happiness": 6,
        "ons4_anxiety": 3,
    }
    assert ONS4.score_definition("ons4_anxiety").higher_is_better is False
    assert all(ONS4.score_definition(c).higher_is_better for c in ONS4.score_codes if c != "ons4_anxiety")


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0, "Low"),
        (4, "Low"),
        (5, "Medium"),
        (6, "Medium"),
        (7, "High"),
        (8, "High"),
        (9, "Very high"),
        (10, "Very high"),
    ],
)
def test_it_bands_life_satisfaction_worthwhile_and_happiness_at_the_ons_thresholds(value, band):
    for code in ("ons4_life_satisfaction", "ons4_worthwhile", "ons4_happiness"):
        assert score_band(ONS4, code, value) == band


@pytest.mark.parametrize(
    ("value", "band"),
    [(0, "Very low"), (1, "Very low"), (2, "Low"), (3, "Low"), (4, "Medium"), (5, "Medium"), (6, "High"), (10, "High")],
)
def test_it_bands_anxiety_at_the_ons_thresholds(value, band):
    assert score_band(ONS4, "ons4_anxiety", value) == band


def test_it_accepts_ons4_answers_keyed_by_question_number_as_stored_in_json():
    assert ONS4.score({"1": 9, "2": 9, "3": 10, "4": 0})["ons4_happiness"] == 10


# --- UCLA-3 and the direct question ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "total"),
    [([1, 1, 1], 3), ([3, 3, 3], 9), ([1, 2, 3], 6), ([2, 2, 1], 5), ([3, 2, 3], 8)],
)
def test_it_totals_ucla3_from_3_to_9(answers, total):
    scores = UCLA3.score([*answers, 1])

    assert scores["ucla3"] == total


def test_it_reports_the_direct_loneliness_question_separately_from_the_ucla3_total():
    scores = UCLA3.score([1, 1, 1, 5])

    assert scores == {"ucla3": 3, "loneliness_direct": 5}
    assert score_band(UCLA3, "loneliness_direct", 5) == "Often or always"
    assert score_band(UCLA3, "loneliness_direct", 1) == "Never"
    assert UCLA3.score_definition("ucla3").higher_is_better is False
    assert UCLA3.score_definition("loneliness_direct").headline is False


def test_it_refuses_a_ucla3_answer_outside_hardly_ever_to_often():
    with pytest.raises(AnswerError, match="question 2 must be a whole number from 1 to 3"):
        UCLA3.score([1, 4, 1, 1])


# --- SWEMWBS ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "metric"), [(7, 7.00), (8, 9.51), (14, 15.32), (21, 19.25), (28, 25.03), (35, 35.00)])
def test_it_converts_swemwbs_raw_scores_with_the_published_table(raw, metric):
    assert swemwbs_metric(raw) == metric


def test_it_scores_a_full_set_of_swemwbs_answers():
    # 4+3+4+3+3+4+3 = 24 -> 21.54 in the conversion table.
    assert SWEMWBS.score([4, 3, 4, 3, 3, 4, 3]) == {"swemwbs": 21.54, "swemwbs_raw": 24}
    assert SWEMWBS.score([1] * 7)["swemwbs"] == 7.00
    assert SWEMWBS.score([5] * 7)["swemwbs"] == 35.00


def test_the_swemwbs_table_covers_every_raw_score_and_only_ever_rises():
    assert sorted(SWEMWBS_METRIC) == list(range(7, 36))
    metrics = [SWEMWBS_METRIC[raw] for raw in range(7, 36)]
    assert metrics == sorted(metrics)
    assert len(set(metrics)) == len(metrics)


def test_it_refuses_a_swemwbs_raw_score_outside_7_to_35():
    with pytest.raises(ValueError, match="from 7 to 35"):
        swemwbs_metric(36)


def test_the_repository_holds_no_swemwbs_item_wording():
    assert SWEMWBS.wording_is_licensed is True
    assert all(item.text is None and item.options == () for item in SWEMWBS.items)
    assert [item.label() for item in SWEMWBS.items] == [f"Item {n}" for n in range(1, 8)]


def test_it_applies_deployment_supplied_wording_without_changing_the_built_in_definition():
    wording = {str(n): f"Licensed statement {n}" for n in range(1, 8)}
    labels = {"1": "Label one", "2": "Label two", "3": "Label three", "4": "Label four", "5": "Label five"}

    loaded = load_item_text(SWEMWBS, wording, labels)

    assert [item.label() for item in loaded.items] == [f"Licensed statement {n}" for n in range(1, 8)]
    assert loaded.items[0].options[0] == (1, "Label one")
    assert SWEMWBS.items[0].text is None
    assert loaded.score([4, 3, 4, 3, 3, 4, 3])["swemwbs"] == 21.54


def test_it_refuses_a_wording_file_with_the_wrong_number_of_items():
    with pytest.raises(ValueError, match="has 6 items but SWEMWBS has 7"):
        load_item_text(SWEMWBS, {n: f"Statement {n}" for n in range(1, 7)})


def test_it_refuses_a_wording_file_with_a_blank_or_unknown_item():
    wording: dict[int, str] = {n: f"Statement {n}" for n in range(1, 7)}
    wording[8] = "Stray"
    with pytest.raises(ValueError, match="no item 8") as raised:
        load_item_text(SWEMWBS, wording)
    assert "No wording for item 7" in str(raised.value)

    with pytest.raises(ValueError, match="Item 3 has no wording"):
        load_item_text(SWEMWBS, {n: " " if n == 3 else "Statement" for n in range(1, 8)})


# --- Validation ------------------------------------------------------------------------------------------------


def test_it_says_how_many_answers_were_expected():
    with pytest.raises(AnswerError) as raised:
        SWEMWBS.score([3] * 6)

    assert str(raised.value) == "SWEMWBS has 7 questions but 6 answers were given."


def test_it_names_each_missing_or_out_of_range_answer():
    with pytest.raises(AnswerError) as raised:
        ONS4.score({1: 11, 2: None, 3: "seven", 4: -1})

    problems = dict(raised.value.problems)
    assert problems[1] == "The answer to question 1 must be a whole number from 0 to 10 (it was 11)."
    assert problems[2] == "Question 2 has not been answered."
    assert "question 3 must be a whole number" in problems[3]
    assert "(it was -1)" in problems[4]


def test_it_refuses_answers_to_questions_the_measure_does_not_have():
    with pytest.raises(AnswerError, match="ONS4 personal wellbeing has no question 5"):
        ONS4.score({1: 1, 2: 2, 3: 3, 4: 4, 5: 5})


def test_it_refuses_true_false_and_fractions_as_answers():
    with pytest.raises(AnswerError, match="question 1"):
        ONS4.score([True, 2, 3, 4])
    with pytest.raises(AnswerError, match="question 2"):
        ONS4.score([1, 2.5, 3, 4])


def test_it_accepts_whole_numbers_written_as_text_or_floats():
    assert ONS4.score(["7", 8.0, " 6 ", 3]) == ONS4.score([7, 8, 6, 3])


def test_it_refuses_answers_it_cannot_read():
    with pytest.raises(AnswerError, match="could not be read"):
        ONS4.score("7863")


# --- Registry --------------------------------------------------------------------------------------------------


def test_the_headline_scores_are_exactly_the_built_in_scores_marked_headline():
    headline = {s.code for m in BUILT_IN_MEASURES.values() for s in m.scores if s.headline}

    assert set(HEADLINE_SCORE_CODES) == headline
    assert HEADLINE_SCORE_CODES[0] == "swemwbs"
    for measure in BUILT_IN_MEASURES.values():
        for score in measure.scores:
            if score.headline:
                assert score.meaningful_change is not None and score.meaningful_change_source


def test_it_names_the_built_in_measures_when_asked_for_one_that_does_not_exist():
    assert built_in_measure("ons4") is ONS4
    with pytest.raises(KeyError, match="swemwbs, ucla3, ons4"):
        built_in_measure("wemwbs")


# --- Custom measures -------------------------------------------------------------------------------------------


def _garden() -> dict:
    return {
        "code": "garden_confidence",
        "name": "Confidence outdoors",
        "higher_is_better": True,
        "meaningful_change": 2,
        "items": [
            {"min": 1, "max": 5, "text": "I feel confident going out on my own"},
            {"min": 1, "max": 5, "text": "I worry about getting lost", "reverse": True},
            {"min": 0, "max": 3, "options": {"0": "Never", "3": "Every day"}},
        ],
    }


def test_it_builds_and_scores_a_scheme_measure_with_a_reversed_item():
    measure = custom_measure_from_dict(_garden())

    # 4 + (1 + 5 - 2) + 3 = 11
    assert measure.score([4, 2, 3]) == {"garden_confidence": 11}
    score = measure.score_definition("garden_confidence")
    assert (score.min, score.max, score.higher_is_better, score.meaningful_change) == (2, 13, True, 2.0)
    assert measure.items[2].options == ((0, "Never"), (3, "Every day"))
    assert measure.items[2].label() == "Item 3"


def test_it_lists_every_problem_with_a_scheme_measure():
    data = _garden() | {"code": "Bad Code", "higher_is_better": "yes", "colour": "green"}
    data["items"] = [{"min": 5, "max": 1}, {"number": 3, "min": 0, "max": 4}]

    with pytest.raises(ValueError) as raised:
        custom_measure_from_dict(data)

    message = str(raised.value)
    assert "fields Linkwell does not know: colour" in message
    assert "The code must be 2 to 40 characters" in message
    assert "higher_is_better" in message
    assert "Item 1 needs 0 <= min < max" in message
    assert "Item 2 must be numbered 2" in message


def test_it_refuses_a_scheme_measure_that_reuses_a_built_in_code():
    with pytest.raises(ValueError, match="belongs to a built-in measure"):
        custom_measure_from_dict(_garden() | {"code": "ons4_anxiety"})


def test_it_refuses_a_scheme_measure_without_items_or_with_a_silly_meaningful_change():
    with pytest.raises(ValueError, match="at least one item"):
        custom_measure_from_dict(_garden() | {"items": []})
    with pytest.raises(ValueError, match="meaningful change"):
        custom_measure_from_dict(_garden() | {"meaningful_change": 50})
