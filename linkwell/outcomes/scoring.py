"""Outcome measures: what each asks, how answers are checked, and how they are scored.

Built in: ONS4 personal wellbeing, the UCLA 3-item loneliness scale with the ONS direct loneliness question,
and SWEMWBS. Schemes may add their own simple summed measures with `custom_measure_from_dict`.

Direction. Every reported score carries `higher_is_better`. The ONS4 anxiety score is "reversed" only in that
sense: a fall in anxiety is an improvement. The anxiety value itself is reported exactly as answered (0-10),
as ONS reports it; nothing is flipped, so it stays comparable with published ONS figures. Loneliness scores
are the same: higher means lonelier.

Licensing. SWEMWBS item wording is licensed by the University of Warwick and must not be published: it is not
in this repository. Its items carry `text=None` and show as "Item 1", "Item 2", ... until a deployment applies
its own licensed wording with `load_item_text`. ONS4 and UCLA-3 wording is included with attribution.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

type Answers = Mapping[int, object] | Mapping[str, object] | Sequence[object]
type Scorer = Callable[[MeasureDefinition, list[int]], dict[str, float]]


@dataclass(frozen=True)
class Band:
    """A named range of a score, inclusive at both ends (e.g. ONS "high": 7-8)."""

    low: float
    high: float
    label: str


@dataclass(frozen=True)
class ItemDefinition:
    """One question: its number, the whole-number answers it allows, and its wording when we may show it."""

    number: int
    min: int
    max: int
    reverse: bool = False
    text: str | None = None
    options: tuple[tuple[int, str], ...] = ()

    def label(self) -> str:
        """The wording, or "Item N" when the wording is licensed and not loaded."""
        return self.text if self.text else f"Item {self.number}"

    def scored_value(self, answer: int) -> int:
        """The answer as it counts towards a total (reverse-scored items run the other way)."""
        return self.min + self.max - answer if self.reverse else answer


@dataclass(frozen=True)
class ScoreDefinition:
    """One reported score: its range, which way is better, and what change counts as meaningful."""

    code: str
    label: str
    min: float
    max: float
    higher_is_better: bool
    meaningful_change: float | None
    meaningful_change_source: str
    headline: bool = True
    bands: tuple[Band, ...] = ()

    def band(self, value: float) -> str | None:
        """The band a value falls in, or None when the score has no published bands."""
        for band in self.bands:
            if band.low <= value <= band.high:
                return band.label
        return None


@dataclass(frozen=True)
class MeasureDefinition:
    """A questionnaire: its items, the scores it reports, its licence note, and its scoring rule."""

    code: str
    name: str
    items: tuple[ItemDefinition, ...]
    scores: tuple[ScoreDefinition, ...]
    licence: str
    scorer: Scorer = field(repr=False, compare=False)
    wording_is_licensed: bool = False

    @property
    def score_codes(self) -> tuple[str, ...]:
        """The codes of every score this measure reports, in order."""
        return tuple(s.code for s in self.scores)

    def score_definition(self, code: str) -> ScoreDefinition:
        """The definition of one reported score."""
        for score in self.scores:
            if score.code == code:
                return score
        raise KeyError(code)

    def score(self, answers: Answers) -> dict[str, float]:
        """Check the answers and return score code -> value; raises AnswerError when they cannot be scored."""
        return self.scorer(self, validate_answers(self, answers))


class AnswerError(ValueError):
    """Answers that cannot be scored; `problems` pairs an item number (or None) with a plain sentence."""

    def __init__(self, problems: Sequence[tuple[int | None, str]]) -> None:
        self.problems: tuple[tuple[int | None, str], ...] = tuple(problems)
        super().__init__(" ".join(message for _, message in self.problems))


def _as_whole_number(value: object) -> int | None:
    # Answers arrive as ints from forms and JSON, but also as "3" from CSV imports or 3.0 from some JSON
    # tools.
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return None


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def validate_answers(definition: MeasureDefinition, answers: Answers) -> list[int]:
    """Return the answers as whole numbers in item order, or raise AnswerError saying what is wrong."""
    items = definition.items
    problems: list[tuple[int | None, str]] = []
    by_number: dict[int, object] = {}
    if isinstance(answers, Mapping):
        valid_numbers = {item.number for item in items}
        for key, value in answers.items():
            number = _as_whole_number(key)
            if number is None or number not in valid_numbers:
                problems.append((None, f"{definition.name} has no question {key}: it has {len(items)} questions."))
                continue
            by_number[number] = value
    elif isinstance(answers, Sequence) and not isinstance(answers, str | bytes):
        if len(answers) != len(items):
            raise AnswerError(
                [
                    (
                        None,
                        f"{definition.name} has {len(items)} questions but {len(answers)} answers were given.",
                    )
                ]
            )
        by_number = {item.number: value for item, value in zip(items, answers, strict=True)}
    else:
        raise AnswerError([(None, f"The answers to {definition.name} could not be read.")])

    values: list[int] = []
    for item in items:
        raw = by_number.get(item.number)
        if _is_missing(raw):
            problems.append((item.number, f"Question {item.number} has not been answered."))
            continue
        number = _as_whole_number(raw)
        if number is None or not item.min <= number <= item.max:
            shown = raw if number is None else number
            problems.append(
                (
                    item.number,
                    f"The answer to question {item.number} must be a whole number from {item.min} to "
                    f"{item.max} (it was {shown}).",
                )
            )
            continue
        values.append(number)
    if problems:
        raise AnswerError(problems)
    return values


def _sum_score(definition: MeasureDefinition, values: list[int]) -> dict[str, float]:
    total = sum(item.scored_value(v) for item, v in zip(definition.items, values, strict=True))
    return {definition.scores[0].code: total}


# --- ONS4 personal wellbeing ------------------------------------------------------------------------------

# Thresholds as ONS publishes them (ONS, "Personal well-being" thresholds, e.g. the FOI answer "A set of
# annual UK SWB score distributions" and the personal well-being bulletins): life satisfaction, worthwhile and
# happiness 0-4 low, 5-6 medium, 7-8 high, 9-10 very high; anxiety 0-1 very low, 2-3 low, 4-5 medium, 6-10
# high.
ONS4_POSITIVE_BANDS: tuple[Band, ...] = (
    Band(0, 4, "Low"),
    Band(5, 6, "Medium"),
    Band(7, 8, "High"),
    Band(9, 10, "Very high"),
)
ONS4_ANXIETY_BANDS: tuple[Band, ...] = (
    Band(0, 1, "Very low"),
    Band(2, 3, "Low"),
    Band(4, 5, "Medium"),
    Band(6, 10, "High"),
)
# ONS publishes no minimal important change for the ONS4 items. One whole point on the 0-10 scale is the
# smallest change a person can report and is the convention used here; a scheme can choose its own.
ONS4_MEANINGFUL_CHANGE = 1.0
ONS4_MEANINGFUL_CHANGE_SOURCE = (
    "No published minimal important change for ONS4; 1 point on the 0-10 scale is a convention (set your own)."
)
_ONS4_ANCHORS: tuple[tuple[int, str], ...] = ((0, "Not at all"), (10, "Completely"))


def _ons4_score(definition: MeasureDefinition, values: list[int]) -> dict[str, float]:
    # Reported separately, never summed: ONS advises against a single composite of the four questions.
    return {score.code: value for score, value in zip(definition.scores, values, strict=True)}


def _ons4_score_definition(code: str, label: str, *, positive: bool) -> ScoreDefinition:
    return ScoreDefinition(
        code=code,
        label=label,
        min=0,
        max=10,
        higher_is_better=positive,
        meaningful_change=ONS4_MEANINGFUL_CHANGE,
        meaningful_change_source=ONS4_MEANINGFUL_CHANGE_SOURCE,
        bands=ONS4_POSITIVE_BANDS if positive else ONS4_ANXIETY_BANDS,
    )


ONS4 = MeasureDefinition(
    code="ons4",
    name="ONS4 personal wellbeing",
    items=(
        ItemDefinition(1, 0, 10, text="Overall, how satisfied are you with your life nowadays?", options=_ONS4_ANCHORS),
        ItemDefinition(
            2,
            0,
            10,
            text="Overall, to what extent do you feel that the things you do in your life are worthwhile?",
            options=_ONS4_ANCHORS,
        ),
        ItemDefinition(3, 0, 10, text="Overall, how happy did you feel yesterday?", options=_ONS4_ANCHORS),
        ItemDefinition(4, 0, 10, text="Overall, how anxious did you feel yesterday?", options=_ONS4_ANCHORS),
    ),
    scores=(
        _ons4_score_definition("ons4_life_satisfaction", "Life satisfaction", positive=True),
        _ons4_score_definition("ons4_worthwhile", "Feeling that things done in life are worthwhile", positive=True),
        _ons4_score_definition("ons4_happiness", "Happiness yesterday", positive=True),
        _ons4_score_definition("ons4_anxiety", "Anxiety yesterday", positive=False),
    ),
    licence=(
        "ONS personal well-being questions, Office for National Statistics "
        "(GSS harmonised standard for personal well-being). "
        "Crown copyright, Open Government Licence v3.0."
    ),
    scorer=_ons4_score,
)


# --- UCLA 3-item loneliness scale and the direct loneliness question --------------------------------------

UCLA3_MEANINGFUL_CHANGE = 1.0
UCLA3_MEANINGFUL_CHANGE_SOURCE = (
    "No published minimal important change for UCLA-3; 1 point on the 3-9 scale is a convention (set your own)."
)
_UCLA_OPTIONS: tuple[tuple[int, str], ...] = ((1, "Hardly ever"), (2, "Some of the time"), (3, "Often"))
# Coded so that higher means lonelier, the same direction as UCLA-3.
LONELINESS_DIRECT_OPTIONS: tuple[tuple[int, str], ...] = (
    (1, "Never"),
    (2, "Hardly ever"),
    (3, "Occasionally"),
    (4, "Some of the time"),
    (5, "Often or always"),
)


def _ucla3_score(definition: MeasureDefinition, values: list[int]) -> dict[str, float]:
    return {"ucla3": sum(values[:3]), "loneliness_direct": values[3]}


UCLA3 = MeasureDefinition(
    code="ucla3",
    name="UCLA 3-item loneliness scale",
    items=(
        ItemDefinition(1, 1, 3, text="How often do you feel that you lack companionship?", options=_UCLA_OPTIONS),
        ItemDefinition(2, 1, 3, text="How often do you feel left out?", options=_UCLA_OPTIONS),
        ItemDefinition(3, 1, 3, text="How often do you feel isolated from others?", options=_UCLA_OPTIONS),
        ItemDefinition(4, 1, 5, text="How often do you feel lonely?", options=LONELINESS_DIRECT_OPTIONS),
    ),
    scores=(
        ScoreDefinition(
            code="ucla3",
            label="Loneliness (UCLA 3-item, 3-9, higher is lonelier)",
            min=3,
            max=9,
            higher_is_better=False,
            meaningful_change=UCLA3_MEANINGFUL_CHANGE,
            meaningful_change_source=UCLA3_MEANINGFUL_CHANGE_SOURCE,
        ),
        # An ordinal single question: reported as the share giving each answer, not averaged.
        ScoreDefinition(
            code="loneliness_direct",
            label="How often do you feel lonely?",
            min=1,
            max=5,
            higher_is_better=False,
            meaningful_change=None,
            meaningful_change_source="Reported as the share giving each answer, not as a mean change.",
            headline=False,
            bands=tuple(Band(value, value, text) for value, text in LONELINESS_DIRECT_OPTIONS),
        ),
    ),
    licence=(
        "UCLA 3-item scale: Hughes ME, Waite LJ, Hawkley LC, Cacioppo JT (2004), "
        "'A short scale for measuring loneliness in large surveys', Research on Aging 26(6):655-672. "
        "Direct question: ONS national indicator of loneliness (ONS, Measuring loneliness: "
        "guidance for use of the national indicators on surveys, 2018), "
        "Crown copyright, Open Government Licence v3.0."
    ),
    scorer=_ucla3_score,
)


# --- SWEMWBS ----------------------------------------------------------------------------------------------

# Raw score (sum of 7 items scored 1-5) to metric score, from the Rasch conversion table published with the
# scale (Stewart-Brown S et al. (2009), Health and Quality of Life Outcomes 7:15; Warwick Medical School,
# "Collect, score, analyse and interpret WEMWBS",
# warwick.ac.uk/fac/sci/med/research/platform/wemwbs/using/howto). Checked value by value against two
# independent public analysis scripts that reproduce the published table.
SWEMWBS_METRIC: Mapping[int, float] = {
    7: 7.00,
    8: 9.51,
    9: 11.25,
    10: 12.40,
    11: 13.33,
    12: 14.08,
    13: 14.75,
    14: 15.32,
    15: 15.84,
    16: 16.36,
    17: 16.88,
    18: 17.43,
    19: 17.98,
    20: 18.59,
    21: 19.25,
    22: 19.98,
    23: 20.73,
    24: 21.54,
    25: 22.35,
    26: 23.21,
    27: 24.11,
    28: 25.03,
    29: 26.02,
    30: 27.03,
    31: 28.13,
    32: 29.31,
    33: 30.70,
    34: 32.55,
    35: 35.00,
}
# Shah N et al. (2018), "Responsiveness of the Short Warwick Edinburgh Mental Well-Being Scale (SWEMWBS)",
# Health and Quality of Life Outcomes 16:239: a change of 1 to 3 points meets thresholds for statistically
# important change at individual level (1 SEM = 1.03 points; 2.77 SEM = 2.87 points). We use 3, the upper end,
# so that an evaluation does not overstate how many people improved.
SWEMWBS_MEANINGFUL_CHANGE = 3.0
SWEMWBS_MEANINGFUL_CHANGE_SOURCE = (
    "Shah et al. (2018), HQLO 16:239: 1-3 metric points is a statistically important individual change; "
    "Linkwell uses 3 (the conservative end)."
)


def swemwbs_metric(raw: int) -> float:
    """The SWEMWBS metric score for a raw total of 7-35, from the published conversion table."""
    if raw not in SWEMWBS_METRIC:
        raise ValueError(f"A SWEMWBS raw score must be a whole number from 7 to 35 (it was {raw!r}).")
    return SWEMWBS_METRIC[raw]


def _swemwbs_score(definition: MeasureDefinition, values: list[int]) -> dict[str, float]:
    raw = sum(values)
    return {"swemwbs": swemwbs_metric(raw), "swemwbs_raw": raw}


SWEMWBS = MeasureDefinition(
    code="swemwbs",
    name="SWEMWBS",
    # No wording here: the licence forbids publishing the items. See load_item_text.
    items=tuple(ItemDefinition(number, 1, 5) for number in range(1, 8)),
    scores=(
        ScoreDefinition(
            code="swemwbs",
            label="Mental wellbeing (SWEMWBS metric score, 7-35)",
            min=7,
            max=35,
            higher_is_better=True,
            meaningful_change=SWEMWBS_MEANINGFUL_CHANGE,
            meaningful_change_source=SWEMWBS_MEANINGFUL_CHANGE_SOURCE,
        ),
        # Kept for display and audit; means and changes use the metric score, which is interval-scaled.
        ScoreDefinition(
            code="swemwbs_raw",
            label="SWEMWBS raw total (7-35)",
            min=7,
            max=35,
            higher_is_better=True,
            meaningful_change=None,
            meaningful_change_source="Use the metric score for change.",
            headline=False,
        ),
    ),
    licence=(
        "Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS) (c) University of Warwick, "
        "NHS Health Scotland and University of Edinburgh, 2008. Free for non-commercial use under licence; "
        "item wording must not be published and is loaded by each deployment from its own licensed copy."
    ),
    scorer=_swemwbs_score,
    wording_is_licensed=True,
)


BUILT_IN_MEASURES: Mapping[str, MeasureDefinition] = {m.code: m for m in (SWEMWBS, UCLA3, ONS4)}

# The scores an evaluation reports as paired change, in the order the evaluation lists them.
HEADLINE_SCORE_CODES: tuple[str, ...] = (
    "swemwbs",
    "ucla3",
    "ons4_life_satisfaction",
    "ons4_worthwhile",
    "ons4_happiness",
    "ons4_anxiety",
)


def built_in_measure(code: str) -> MeasureDefinition:
    """A built-in measure by code; raises KeyError naming the codes that exist."""
    try:
        return BUILT_IN_MEASURES[code]
    except KeyError:
        raise KeyError(f"No built-in measure {code!r}; built-in measures are {', '.join(BUILT_IN_MEASURES)}.") from None


def score_band(definition: MeasureDefinition, code: str, value: float) -> str | None:
    """The published band for one score value (e.g. ONS4 life satisfaction 8 -> "High")."""
    return definition.score_definition(code).band(value)


# --- Deployment-supplied wording --------------------------------------------------------------------------

MAX_TEXT_LENGTH = 500


def load_item_text(
    definition: MeasureDefinition,
    mapping: Mapping[int, str] | Mapping[str, str],
    options: Mapping[int, str] | Mapping[str, str] | None = None,
) -> MeasureDefinition:
    """A copy of the definition with wording (and answer labels) from the deployment's own licensed file."""
    numbers = [item.number for item in definition.items]
    problems: list[str] = []
    wording: dict[int, str] = {}
    for key, text in mapping.items():
        number = _as_whole_number(key)
        if number is None or number not in numbers:
            problems.append(f"{definition.name} has no item {key}: its items are numbered 1 to {len(numbers)}.")
        elif not isinstance(text, str) or not text.strip():
            problems.append(f"Item {number} has no wording.")
        elif len(text.strip()) > MAX_TEXT_LENGTH:
            problems.append(f"The wording of item {number} is longer than {MAX_TEXT_LENGTH} characters.")
        else:
            wording[number] = text.strip()
    if len(mapping) != len(numbers):
        problems.insert(0, f"The wording file has {len(mapping)} items but {definition.name} has {len(numbers)}.")
    mentioned = {_as_whole_number(key) for key in mapping}
    missing = [n for n in numbers if n not in mentioned]
    if missing:
        problems.append("No wording for item " + ", ".join(str(n) for n in missing) + ".")
    labels: tuple[tuple[int, str], ...] | None = None
    if options is not None:
        parsed: list[tuple[int, str]] = []
        for key, text in options.items():
            value = _as_whole_number(key)
            if value is None or not all(item.min <= value <= item.max for item in definition.items):
                problems.append(f"Answer label {key!r} is not an answer every item allows.")
            elif not isinstance(text, str) or not text.strip():
                problems.append(f"Answer {value} has no label.")
            else:
                parsed.append((value, text.strip()))
        labels = tuple(sorted(parsed))
    if problems:
        raise ValueError(" ".join(problems))
    items = tuple(
        replace(item, text=wording[item.number], options=labels if labels is not None else item.options)
        for item in definition.items
    )
    return replace(definition, items=items)


# --- Scheme-defined measures ------------------------------------------------------------------------------

_CODE = re.compile(r"[a-z][a-z0-9_]{1,39}")
_MEASURE_KEYS = {"code", "name", "items", "higher_is_better", "meaningful_change", "licence"}
_ITEM_KEYS = {"number", "min", "max", "reverse", "text", "options"}
MAX_CUSTOM_ITEMS = 50
MAX_ITEM_VALUE = 100


def _reserved_codes() -> set[str]:
    reserved = set(BUILT_IN_MEASURES)
    for measure in BUILT_IN_MEASURES.values():
        reserved.update(measure.score_codes)
    return reserved


def _custom_item(data: object, position: int, problems: list[str]) -> ItemDefinition | None:
    where = f"Item {position}"
    if not isinstance(data, Mapping):
        problems.append(f"{where} must be a set of named fields (min, max and optionally text, reverse).")
        return None
    unknown = sorted(set(map(str, data)) - _ITEM_KEYS)
    if unknown:
        problems.append(f"{where} has fields Linkwell does not know: {', '.join(unknown)}.")
    number = data.get("number", position)
    if number != position or isinstance(number, bool):
        problems.append(f"{where} must be numbered {position} (items are numbered 1, 2, 3, ... in order).")
    low, high = data.get("min"), data.get("max")
    if not (isinstance(low, int) and isinstance(high, int)) or isinstance(low, bool) or isinstance(high, bool):
        problems.append(f"{where} needs a whole-number min and max.")
        return None
    if not 0 <= low < high <= MAX_ITEM_VALUE:
        problems.append(f"{where} needs 0 <= min < max <= {MAX_ITEM_VALUE} (it has min {low}, max {high}).")
        return None
    reverse = data.get("reverse", False)
    if not isinstance(reverse, bool):
        problems.append(f"{where}: reverse must be true or false.")
        return None
    text = data.get("text")
    if text is not None and (not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT_LENGTH):
        problems.append(f"{where}: text must be wording of 1 to {MAX_TEXT_LENGTH} characters.")
        return None
    options: list[tuple[int, str]] = []
    raw_options = data.get("options", {})
    if not isinstance(raw_options, Mapping):
        problems.append(f"{where}: options must map answers to labels.")
        return None
    for key, label in raw_options.items():
        value = _as_whole_number(key)
        if value is None or not low <= value <= high or not isinstance(label, str) or not label.strip():
            problems.append(f"{where}: option {key!r} must be an answer from {low} to {high} with a label.")
            return None
        options.append((value, label.strip()))
    return ItemDefinition(
        number=position,
        min=low,
        max=high,
        reverse=reverse,
        text=text.strip() if isinstance(text, str) else None,
        options=tuple(sorted(options)),
    )


def custom_measure_from_dict(data: Mapping[str, Any]) -> MeasureDefinition:
    """A scheme's own summed measure from its settings; raises ValueError listing every problem found."""
    problems: list[str] = []
    unknown = sorted(set(map(str, data)) - _MEASURE_KEYS)
    if unknown:
        problems.append(f"The measure has fields Linkwell does not know: {', '.join(unknown)}.")
    code = data.get("code")
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        problems.append(
            "The code must be 2 to 40 characters: lower-case letters, digits and underscores, starting with a letter."
        )
    elif code in _reserved_codes():
        problems.append(f"The code {code!r} belongs to a built-in measure; choose another.")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        problems.append("The measure needs a name of 1 to 200 characters.")
    higher_is_better = data.get("higher_is_better")
    if not isinstance(higher_is_better, bool):
        problems.append("Say whether a higher score is better (higher_is_better: true or false).")
    raw_items = data.get("items")
    items: list[ItemDefinition] = []
    if not isinstance(raw_items, Sequence) or isinstance(raw_items, str) or not raw_items:
        problems.append("The measure needs a list of at least one item.")
    elif len(raw_items) > MAX_CUSTOM_ITEMS:
        problems.append(f"A measure can have at most {MAX_CUSTOM_ITEMS} items (this one has {len(raw_items)}).")
    else:
        for position, raw_item in enumerate(raw_items, start=1):
            item = _custom_item(raw_item, position, problems)
            if item is not None:
                items.append(item)
    total_min = sum(item.min for item in items)
    total_max = sum(item.max for item in items)
    meaningful = data.get("meaningful_change")
    if meaningful is not None and (
        isinstance(meaningful, bool)
        or not isinstance(meaningful, int | float)
        or not 0 < meaningful <= max(total_max - total_min, 1)
    ):
        problems.append("The meaningful change must be a positive number no bigger than the score's range.")
    licence = data.get("licence", "Defined by the scheme.")
    if not isinstance(licence, str) or len(licence) > 1000:
        problems.append("The licence note must be text of at most 1,000 characters.")
    if problems:
        raise ValueError(" ".join(problems))
    assert isinstance(code, str) and isinstance(name, str) and isinstance(higher_is_better, bool)
    assert isinstance(licence, str)
    return MeasureDefinition(
        code=code,
        name=name.strip(),
        items=tuple(items),
        scores=(
            ScoreDefinition(
                code=code,
                label=name.strip(),
                min=total_min,
                max=total_max,
                higher_is_better=higher_is_better,
                meaningful_change=float(meaningful) if meaningful is not None else None,
                meaningful_change_source="Set by the scheme." if meaningful is not None else "Not set.",
            ),
        ),
        licence=licence,
        scorer=_sum_score,
    )
