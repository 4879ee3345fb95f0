from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from linkwell.outcomes.definitions import measure_definition, outcome_settings_for
from linkwell.outcomes.evaluation import EXPORT_COLUMNS, opted_out, pseudonym
from linkwell.outcomes.models import AppointmentCount, MeasureDefinitionRecord, MeasureResponse, Timepoint
from linkwell.outcomes.scoring import BUILT_IN_MEASURES, HEADLINE_SCORE_CODES
from linkwell.outcomes.stats import evaluation_summary, lost_to_follow_up, match_scores, paired_change
from linkwell.people.models import ConsentScope, Person
from linkwell.referrals.models import Referral, Status
from linkwell.referrals.tests.factories import make_referral
from linkwell.testing.cast import Cast
from linkwell.testing.factories import ConsentFactory, PersonFactory

from .helpers import record, swemwbs

DAY = dt.datetime(2026, 2, 2, 10, 0, tzinfo=dt.UTC)
NHS = ["9554416768", "9592947260", "9453589233", "9113197177"]


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# --- load-measure-text ---------------------------------------------------------------------------------------


def test_it_loads_swemwbs_wording_from_a_json_file(tmp_path: Path, cast: Cast) -> None:
    path = tmp_path / "swemwbs.json"
    path.write_text(
        json.dumps(
            {
                "items": {str(n): f"Test item {n}" for n in range(1, 8)},
                "options": {str(n): f"Label {n}" for n in range(1, 6)},
            }
        )
    )
    assert "Loaded wording for 7 items of swemwbs" in _run("load_measure_text", "swemwbs", str(path))
    definition = measure_definition("swemwbs")
    assert definition.items[0].label() == "Test item 1"
    assert definition.items[0].options[0] == (1, "Label 1")
    # Loading again replaces the wording rather than adding a second copy.
    _run("load_measure_text", "swemwbs", str(path))
    assert MeasureDefinitionRecord.objects.count() == 1


def test_it_loads_wording_from_a_csv_file(tmp_path: Path, cast: Cast) -> None:
    path = tmp_path / "swemwbs.csv"
    path.write_text("item,text\n" + "".join(f"{n},Test item {n}\n" for n in range(1, 8)))
    _run("load_measure_text", "swemwbs", str(path))
    assert measure_definition("swemwbs").items[6].label() == "Test item 7"


def test_it_refuses_wording_that_does_not_fit_the_measure(tmp_path: Path, cast: Cast) -> None:
    path = tmp_path / "short.json"
    path.write_text(json.dumps({str(n): f"Test item {n}" for n in range(1, 6)}))
    with pytest.raises(CommandError, match="has 5 items but SWEMWBS has 7"):
        _run("load_measure_text", "swemwbs", str(path))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        _run("load_measure_text", "swemwbs", str(broken))
    assert not MeasureDefinitionRecord.objects.exists()


def test_the_repository_holds_no_swemwbs_wording() -> None:
    assert all(item.text is None for item in BUILT_IN_MEASURES["swemwbs"].items)


# --- evaluate and export-outcomes ----------------------------------------------------------------------------


def _cohort(cast: Cast) -> list[Referral]:
    """Six people with a SWEMWBS and UCLA-3 baseline; four followed up; one follow-up without a baseline."""
    baselines = [12, 14, 15, 18, 20, 25]
    follow_ups = [16, 15, 19, 21, None, None]
    referrals = []
    with time_machine.travel(DAY, tick=False):
        for base, after in zip(baselines, follow_ups, strict=True):
            referral = make_referral(cast.north, status=Status.ASSESSED)
            raw = base // 7
            answers = {str(n): raw + (1 if n <= base - 7 * raw else 0) for n in range(1, 8)}
            record(cast.north, referral, "swemwbs", Timepoint.BASELINE, answers)
            record(cast.north, referral, "ucla3", Timepoint.BASELINE, {"1": 3, "2": 2, "3": 3, "4": 4})
            referrals.append((referral, after))
        orphan = make_referral(cast.north, status=Status.ASSESSED)
    with time_machine.travel(DAY + dt.timedelta(weeks=12), tick=False):
        for referral, after in referrals:
            if after is not None:
                raw = after // 7
                answers = {str(n): raw + (1 if n <= after - 7 * raw else 0) for n in range(1, 8)}
                record(cast.north, referral, "swemwbs", Timepoint.FOLLOW_UP, answers)
                record(cast.north, referral, "ucla3", Timepoint.FOLLOW_UP, {"1": 1, "2": 2, "3": 1, "4": 2})
        record(cast.north, orphan, "swemwbs", Timepoint.FOLLOW_UP, swemwbs(4))
    return [r for r, _ in referrals]


def test_evaluate_prints_paired_change_per_reported_score(cast: Cast) -> None:
    _cohort(cast)
    result = json.loads(_run("evaluate", "--scheme", "north", "--json"))
    assert list(result) == ["measures"]
    assert list(result["measures"]) == list(HEADLINE_SCORE_CODES)
    swem = result["measures"]["swemwbs"]
    assert set(swem) == {"n_paired", "mean_change", "ci_low", "ci_high", "effect_size", "lost_to_follow_up"}
    assert swem["n_paired"] == 4
    assert swem["lost_to_follow_up"] == 2
    assert swem["ci_low"] < swem["mean_change"] < swem["ci_high"]
    ucla = result["measures"]["ucla3"]
    assert (ucla["n_paired"], ucla["mean_change"], ucla["lost_to_follow_up"]) == (4, -4.0, 2)
    assert result["measures"]["ons4_anxiety"]["n_paired"] == 0
    # The date range filters by the baseline's date.
    empty = json.loads(_run("evaluate", "--scheme", "north", "--from", "2026-02-03", "--json"))
    assert empty["measures"]["swemwbs"]["n_paired"] == 0
    text = _run("evaluate", "--scheme", "north")
    assert "swemwbs" in text


def test_evaluate_refuses_an_unknown_scheme(cast: Cast) -> None:
    with pytest.raises(CommandError, match="No scheme"):
        _run("evaluate", "--scheme", "nowhere", "--json")


def test_the_export_recomputes_the_evaluation_exactly(tmp_path: Path, cast: Cast) -> None:
    _cohort(cast)
    path = tmp_path / "outcomes.csv"
    _run("export_outcomes", "--scheme", "north", str(path))
    evaluated = json.loads(_run("evaluate", "--scheme", "north", "--json"))["measures"]
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == EXPORT_COLUMNS
    assert {r["timepoint"] for r in rows} == {"baseline", "follow_up"}
    for code, figures in evaluated.items():
        definition = next(s for m in BUILT_IN_MEASURES.values() for s in m.scores if s.code == code)
        baseline = {
            r["pseudonym"]: float(r["score"]) for r in rows if r["measure"] == code and r["timepoint"] == "baseline"
        }
        follow_up = {
            r["pseudonym"]: float(r["score"]) for r in rows if r["measure"] == code and r["timepoint"] == "follow_up"
        }
        matched = match_scores(baseline, follow_up)
        change = paired_change(matched.pairs, definition.higher_is_better, definition.meaningful_change)
        loss = lost_to_follow_up(matched.baseline_only, matched.paired_baselines)
        assert evaluation_summary(change, loss) == figures, code


def test_exports_contain_no_direct_identifiers(tmp_path: Path, cast: Cast) -> None:
    referrals = _cohort(cast)
    path = tmp_path / "outcomes.csv"
    _run("export_outcomes", "--scheme", "north", str(path))
    content = path.read_text()
    header, *lines = content.splitlines()
    assert header == "pseudonym,measure,timepoint,score,date"
    pseudonyms = {line.split(",")[0] for line in lines}
    assert len(pseudonyms) == 6  # the follow-up without a baseline is not part of the evaluation
    for referral in referrals:
        person = referral.person
        for identifier in (person.given_name, person.family_name, person.postcode, person.date_of_birth.isoformat()):
            assert identifier not in content
        if person.nhs_number:
            assert person.nhs_number not in content
    ids = {str(r.person_id) for r in referrals} | {str(r.pk) for r in referrals}
    assert not pseudonyms & ids
    assert all(len(p) == 16 for p in pseudonyms)
    # Stable: the same person gets the same pseudonym next time.
    again = tmp_path / "again.csv"
    _run("export_outcomes", "--scheme", "north", str(again))
    assert again.read_text() == content


# --- import-appointments -------------------------------------------------------------------------------------


def _people(cast: Cast) -> list[Referral]:
    referrals = []
    with time_machine.travel(dt.datetime(2025, 3, 3, 10, 0, tzinfo=dt.UTC), tick=False):
        for number in NHS[:3]:
            person = PersonFactory.create(scheme=cast.north.scheme, nhs_number=number)
            referrals.append(make_referral(cast.north, status=Status.ASSESSED, person=person))
    return referrals


def test_it_imports_appointment_counts_and_reports_the_change(tmp_path: Path, cast: Cast) -> None:
    referrals = _people(cast)
    path = tmp_path / "counts.csv"
    path.write_text(
        "nhs_number,referral_date,appointments_before,appointments_after\n"
        f"{NHS[0]},2025-03-03,12,8\n"
        f"{NHS[1][:3]} {NHS[1][3:6]} {NHS[1][6:]},03/03/2025,6,5\n"
        f"{NHS[2]},2025-01-01,9,9\n"
    )
    assert "Imported 3 rows (3 new, 0 updated); 0 rows left out." in _run(
        "import_appointments", str(path), "--scheme", "north"
    )
    first = AppointmentCount.objects.get(nhs_number=NHS[0])
    assert (first.before_12m, first.after_12m, first.referral, first.person) == (
        12,
        8,
        referrals[0],
        referrals[0].person,
    )
    # More than a month from any referral: kept for the person, but not tied to a referral.
    assert AppointmentCount.objects.get(nhs_number=NHS[2]).referral is None
    assert "GP appointments" in _run("evaluate", "--scheme", "north")
    # A corrected file replaces the earlier counts.
    path.write_text(f"nhs_number,referral_date,appointments_before,appointments_after\n{NHS[0]},2025-03-03,12,7\n")
    assert "(0 new, 1 updated)" in _run("import_appointments", str(path), "--scheme", "north")
    assert AppointmentCount.objects.get(nhs_number=NHS[0]).after_12m == 7


def test_bad_rows_are_reported_with_line_numbers_and_the_rest_imported(tmp_path: Path, cast: Cast) -> None:
    _people(cast)
    path = tmp_path / "counts.csv"
    path.write_text(
        "nhs_number,referral_date,appointments_before,appointments_after\n"
        f"{NHS[0]},2025-03-03,12,8\n"
        "1234567890,2025-03-03,1,1\n"
        f"{NHS[1]},31/31/2025,1,1\n"
        f"{NHS[1]},2025-03-03,-2,1\n"
        f"{NHS[1]},2025-03-03,two,\n"
        f"{NHS[3]},2025-03-03,1,1\n"
        f"{NHS[0]},2025-03-03,1,1\n"
        f"{NHS[2]},2025-03-03,1\n"
        f"{NHS[2]},2099-03-03,1,1\n"
    )
    err = io.StringIO()
    call_command("import_appointments", str(path), "--scheme", "north", stdout=io.StringIO(), stderr=err)
    report = err.getvalue().splitlines()
    assert [line.split(":")[0] for line in report] == [f"Line {n}" for n in range(3, 11)]
    assert "not a valid NHS number" in report[0]
    assert "must be a date like" in report[1]
    assert "Appointments before must be a whole number" in report[2]
    assert "Appointments after is missing" in report[3]
    assert "No one with this NHS number" in report[4]
    assert "same NHS number and referral date are on line 2" in report[5]
    assert "has 3 values but the header has 4" in report[6]
    assert "in the future" in report[7]
    assert AppointmentCount.objects.count() == 1


@pytest.mark.parametrize(
    "content",
    [
        b"nhs_number,date,before,after\n9554416768,2025-03-03,1,1\n",
        b"\xff\xfe\x00\x00binary",
        b"",
        b'nhs_number,referral_date,appointments_before,appointments_after\n"9554416768,2025-03-03,1,1\n',
    ],
)
def test_a_file_that_cannot_be_read_changes_nothing(tmp_path: Path, cast: Cast, content: bytes) -> None:
    _people(cast)
    path = tmp_path / "counts.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match="Nothing imported"):
        _run("import_appointments", str(path), "--scheme", "north")
    assert not AppointmentCount.objects.exists()
    assert not MeasureResponse.objects.exists()


def test_the_commands_run_with_hyphens(
    tmp_path: Path, cast: Cast, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from linkwell.cli import main

    path = tmp_path / "out.csv"
    monkeypatch.setattr("sys.argv", ["linkwell", "export-outcomes", "--scheme", "north", str(path)])
    main()
    assert path.read_text() == "pseudonym,measure,timepoint,score,date\n"


def test_people_who_said_no_to_evaluation_use_are_left_out_of_the_evaluation_and_the_export(
    tmp_path: Path, cast: Cast
) -> None:
    referrals = _cohort(cast)
    before = json.loads(_run("evaluate", "--scheme", "north", "--json"))["measures"]["swemwbs"]
    said_no, changed_mind, withdrew = (r.person for r in referrals[:3])

    def decide(person: Person, *, granted: bool, **extra: object) -> None:
        ConsentFactory.create(
            person=person,
            scope=ConsentScope.EVALUATION,
            granted=granted,
            recorded_by=cast.north.link_worker.user,
            recorded_by_organisation=cast.north.link_service,
            **extra,
        )

    with time_machine.travel(DAY, tick=False):
        decide(said_no, granted=False)
        decide(changed_mind, granted=False)
        decide(withdrew, granted=True, withdrawn_at=DAY + dt.timedelta(days=30))
    with time_machine.travel(DAY + dt.timedelta(days=1), tick=False):
        # A later yes replaces an earlier no.
        decide(changed_mind, granted=True)

    assert opted_out(cast.north.scheme) == {said_no.pk, withdrew.pk}
    after = json.loads(_run("evaluate", "--scheme", "north", "--json"))["measures"]["swemwbs"]
    # Both left out had a follow-up: four pairs become two, the two lost to follow-up stay.
    assert (before["n_paired"], after["n_paired"]) == (4, 2)
    assert after["lost_to_follow_up"] == 2
    path = tmp_path / "outcomes.csv"
    _run("export_outcomes", "--scheme", "north", str(path))
    secret = outcome_settings_for(cast.north.scheme).pseudonym_secret
    names = {row["pseudonym"] for row in csv.DictReader(path.open(newline=""))}
    assert pseudonym(secret, said_no.pk) not in names and pseudonym(secret, withdrew.pk) not in names
    assert pseudonym(secret, changed_mind.pk) in names
