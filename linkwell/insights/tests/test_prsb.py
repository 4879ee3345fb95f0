import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from linkwell.accounts.models import AuditEvent
from linkwell.casework.models import Assessment, Goal, GoalOutcome, GoalStatus
from linkwell.connections.models import ConnectionStatus
from linkwell.insights.prsb import COLUMN_NAMES, COLUMNS, SECTIONS, prsb_rows
from linkwell.outcomes.definitions import outcome_settings_for
from linkwell.outcomes.evaluation import pseudonym
from linkwell.outcomes.models import MeasureResponse, Timepoint
from linkwell.people.models import Person
from linkwell.referrals.models import ClosureReason, Referral, Status
from linkwell.testing.access import assert_role_access
from linkwell.testing.cast import Cast, SchemeCast, login_as
from linkwell.testing.factories import PostcodeFactory

from .builders import START, journey, service_for

DOCS = Path(__file__).resolve().parents[3] / "docs" / "prsb-dataset.md"
NHS_NUMBER = "9434765919"


def _full_journey(team: SchemeCast, day: int = 0, reason: str = ClosureReason.COMPLETED) -> Referral:
    """A closed referral with every part of the record filled in, and identifiers worth leaking."""
    PostcodeFactory.create(postcode="LW1 1AB", imd_decile=3)
    service = service_for(team, name="Wellbrook Walkers", category="Physical activity")
    referral = journey(team, service=service, day=day, needs=("loneliness", "debt"), reason=reason).referral
    Person.objects.filter(pk=referral.person_id).update(
        postcode="LW1 1AB",
        nhs_number=NHS_NUMBER,
        email="ada.lovelace@example.org",
        phone="07700 900123",
        date_of_birth=dt.date(1958, 3, 9),
        sex="2",
        ethnic_category="B",
        long_term_conditions=["diabetes", "copd"],
        address_line_1="12 Mill Lane",
    )
    Referral.objects.filter(pk=referral.pk).update(
        what_matters="Getting out of the house", referrer_name="Dr Grace Hopper"
    )
    user = team.link_worker.user
    for version, needs in ((1, ["loneliness"]), (2, ["loneliness", "physical_inactivity"])):
        Assessment.objects.create(
            referral=referral,
            version=version,
            what_matters="Seeing people",
            needs=needs,
            assessed_at=START + dt.timedelta(days=day + 3 + version),
            assessed_by=user,
            assessed_by_organisation=team.link_service,
        )
    for outcome in (GoalOutcome.ACHIEVED, GoalOutcome.ACHIEVED, GoalOutcome.NOT_ACHIEVED, ""):
        Goal.objects.create(
            referral=referral,
            description="Walk to the park",
            status=GoalStatus.ENDED if outcome else GoalStatus.OPEN,
            outcome=outcome,
            ended_at=START + dt.timedelta(days=day + 40) if outcome else None,
            created_by=user,
            created_by_organisation=team.link_service,
        )
    for timepoint, score, days in ((Timepoint.BASELINE, 19.0, 4), (Timepoint.FOLLOW_UP, 23.5, 90)):
        MeasureResponse.objects.create(
            scheme=team.scheme,
            person_id=referral.person_id,
            referral=referral,
            measure="swemwbs",
            timepoint=timepoint,
            answers={},
            scores={"swemwbs": score},
            completed_at=START + dt.timedelta(days=day + days),
            method="with_link_worker",
        )
    referral.refresh_from_db()
    return referral


def _rows(team: SchemeCast, **period: Any) -> list[dict[str, Any]]:
    return list(prsb_rows(team.scheme, period.get("date_from"), period.get("date_to")))


def test_the_columns_are_grouped_by_the_four_prsb_sections_and_documented() -> None:
    assert [c.section for c in COLUMNS] == sorted((c.section for c in COLUMNS), key=SECTIONS.index)
    assert {c.section for c in COLUMNS} == set(SECTIONS)
    assert len(set(COLUMN_NAMES)) == len(COLUMN_NAMES)
    docs = DOCS.read_text(encoding="utf-8")
    for column in COLUMNS:
        assert f"| `{column.name}` | {column.section} |" in docs, f"{column.name} is missing from the docs"


def test_a_whole_journey_fills_every_section(cast: Cast) -> None:
    referral = _full_journey(cast.north)
    [row] = _rows(cast.north)
    assert list(row) == list(COLUMN_NAMES)
    secret = outcome_settings_for(cast.north.scheme).pseudonym_secret
    # 1. Person and demographics
    assert row["person_pseudonym"] == pseudonym(secret, referral.person_id)
    assert len(row["referral_pseudonym"]) == 16 and row["referral_pseudonym"] != row["person_pseudonym"]
    assert row["age_band"] == "65 to 74"  # 67 on 5 January 2026
    assert (row["sex"], row["ethnic_group"]) == ("Female", "White")
    assert (row["postcode_district"], row["deprivation_quintile"]) == ("LW1", 2)
    assert row["registered_practice_ods_code"] == cast.north.practice.ods_code
    assert row["long_term_conditions"] == "Diabetes; COPD"
    assert row["interpreter_needed"] == "No"
    # 2. Needs and concerns
    assert row["referral_received_date"] == "2026-01-05"
    assert row["referral_source"] == "GP or practice staff"
    assert row["referring_organisation"] == cast.north.practice.name
    assert row["reasons_for_referral"] == "Loneliness or isolation; Debt or money worries"
    assert row["what_matters_recorded"] == "Yes"
    assert (row["urgency"], row["safeguarding_concern"]) == ("Routine", "No")
    # 3. Support offered
    assert row["referral_status"] == "Closed"
    assert row["accepted_date"] == "2026-01-06"
    assert (row["not_accepted_date"], row["not_accepted_reason"]) == ("", "")
    assert (row["first_contact_date"], row["contacts"], row["contact_attempts"]) == ("2026-01-08", 1, 0)
    assert row["contact_minutes"] == 20
    assert row["assessment_date"] == "2026-01-09"
    assert row["needs_identified"] == "Loneliness or isolation; Physical inactivity"
    assert row["goals_set"] == 4
    assert (row["connections_offered"], row["connections_taken_up"]) == (1, 1)
    assert row["first_connection_date"] == "2026-01-10"
    assert row["activities"] == "Wellbrook Walkers (Physical activity): Completed, offered 2026-01-10"
    assert (row["sessions_attended"], row["sessions_missed"]) == (1, 1)
    # 4. Outcomes
    assert (row["goals_achieved"], row["goals_partly_achieved"], row["goals_not_achieved"]) == (2, 0, 1)
    assert row["goals_open"] == 1
    assert (row["swemwbs_baseline"], row["swemwbs_follow_up"]) == (19, 23.5)
    assert (row["ucla3_baseline"], row["ucla3_follow_up"]) == ("", "")
    assert (row["closed_date"], row["closure_reason"]) == ("2026-01-10", "Got help (completed)")
    assert row["snomed_codes"] == "871731000000106"


def test_declined_and_not_accepted_referrals_carry_their_codes_and_reasons(cast: Cast) -> None:
    _full_journey(cast.north, reason=ClosureReason.DECLINED)
    journey(cast.north, day=1, path=(Status.REJECTED,), reason="outside_area", contact_after_days=None, connect=None)
    declined, rejected = _rows(cast.north)
    assert declined["snomed_codes"] == "871731000000106;871711000000103"
    assert declined["closure_reason"] == "Declined"
    assert rejected["referral_status"] == "Not accepted"
    assert rejected["not_accepted_date"] == "2026-01-07"
    assert rejected["not_accepted_reason"] == "Lives outside the scheme's area"
    assert (rejected["snomed_codes"], rejected["closed_date"], rejected["accepted_date"]) == ("", "", "")
    assert (rejected["contacts"], rejected["connections_offered"], rejected["activities"]) == (0, 0, "")


def test_only_referrals_received_in_the_period_and_the_scheme_are_included(cast: Cast) -> None:
    for day in (0, 10, 20):
        journey(cast.north, day=day)
    journey(cast.south, day=10)
    received = [r["referral_received_date"] for r in _rows(cast.north)]
    assert received == ["2026-01-05", "2026-01-15", "2026-01-25"]
    middle = _rows(cast.north, date_from=dt.date(2026, 1, 15), date_to=dt.date(2026, 1, 15))
    assert [r["referral_received_date"] for r in middle] == ["2026-01-15"]
    assert [r["referral_received_date"] for r in _rows(cast.north, date_from=dt.date(2026, 1, 16))] == ["2026-01-25"]
    assert [r["referral_received_date"] for r in _rows(cast.north, date_to=dt.date(2026, 1, 14))] == ["2026-01-05"]


def test_the_period_uses_local_dates(cast: Cast) -> None:
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
    referral = journey(cast.north, day=0).referral
    Referral.objects.filter(pk=referral.pk).update(received_at=dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC))
    [row] = _rows(cast.north, date_from=dt.date(2026, 7, 1), date_to=dt.date(2026, 7, 1))
    assert row["referral_received_date"] == "2026-07-01"
    assert _rows(cast.north, date_to=dt.date(2026, 6, 30)) == []


def _identifiers(referral: Referral) -> list[str]:
    person = Person.objects.get(pk=referral.person_id)
    return [
        person.given_name,
        person.family_name,
        NHS_NUMBER,
        person.nhs_number_display,
        person.email,
        person.phone,
        "07700900123",
        person.postcode,
        person.postcode.replace(" ", ""),
        "1958-03-09",
        "09/03/1958",
        "Mill Lane",
        "Dr Grace Hopper",
        "Getting out of the house",
        "Walk to the park",
    ]


def test_no_direct_identifier_or_free_text_appears_in_any_output(client: Client, cast: Cast, tmp_path: Path) -> None:
    referral = _full_journey(cast.north)
    login_as(client, cast.north.scheme_manager)
    csv_body = client.get("/insights/evaluation/prsb.csv").content.decode()
    book = load_workbook(io.BytesIO(client.get("/insights/evaluation/prsb.xlsx").content))
    xlsx_text = " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)
    call_command("export_prsb", "--scheme", cast.north.scheme.slug, str(tmp_path / "out.csv"), stdout=io.StringIO())
    command_body = (tmp_path / "out.csv").read_text(encoding="utf-8")
    assert "Wellbrook Walkers" in csv_body and "Wellbrook Walkers" in xlsx_text and "Wellbrook Walkers" in command_body
    for text in (csv_body, xlsx_text, command_body):
        for identifier in _identifiers(referral):
            assert identifier not in text, identifier
        assert "@" not in text


def test_the_download_and_the_command_write_the_same_rows(client: Client, cast: Cast, tmp_path: Path) -> None:
    _full_journey(cast.north)
    journey(cast.north, day=3)
    login_as(client, cast.north.scheme_manager)
    downloaded = client.get("/insights/evaluation/prsb.csv").content.decode()
    call_command("export_prsb", "--scheme", cast.north.scheme.slug, str(tmp_path / "out.csv"), stdout=io.StringIO())

    def data(body: str) -> list[list[str]]:
        return [row for row in csv.reader(io.StringIO(body)) if row and not row[0].startswith("#")]

    rows = data(downloaded)
    assert rows[0] == list(COLUMN_NAMES) and len(rows) == 3
    assert rows == data((tmp_path / "out.csv").read_text(encoding="utf-8"))


def test_the_person_pseudonym_joins_the_outcomes_extract(client: Client, cast: Cast) -> None:
    _full_journey(cast.north)
    login_as(client, cast.north.scheme_manager)
    extract = list(csv.reader(io.StringIO(client.get("/insights/evaluation/extract.csv").content.decode())))
    [row] = _rows(cast.north)
    assert {line[0] for line in extract[1:]} == {row["person_pseudonym"]}


@pytest.mark.parametrize("url", ["/insights/evaluation/prsb.csv", "/insights/evaluation/prsb.xlsx"])
def test_only_scheme_managers_and_admins_download_the_dataset(client: Client, cast: Cast, url: str) -> None:
    assert_role_access(client, cast, url, allowed={"scheme_manager", "admin"})


def test_each_scheme_downloads_only_its_own_referrals(client: Client, cast: Cast) -> None:
    journey(cast.north, day=0)
    journey(cast.south, day=0)
    journey(cast.south, day=1)
    login_as(client, cast.south.scheme_manager)
    rows = list(csv.reader(io.StringIO(client.get("/insights/evaluation/prsb.csv").content.decode())))
    secret = outcome_settings_for(cast.south.scheme).pseudonym_secret
    south_people = {
        pseudonym(secret, pk)
        for pk in Referral.objects.filter(scheme=cast.south.scheme).values_list("person_id", flat=True)
    }
    data = [r for r in rows if r and not r[0].startswith("#")][1:]
    assert len(data) == 2 and {r[1] for r in data} == south_people


def test_a_download_is_audited_and_filtered_by_the_dashboard_dates(client: Client, cast: Cast) -> None:
    for day in (0, 10):
        journey(cast.north, day=day)
    login_as(client, cast.north.scheme_manager)
    response = client.get(
        "/insights/evaluation/prsb.csv",
        {"date_from_0": "10", "date_from_1": "1", "date_from_2": "2026", "practice": "", "need": ""},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="linkwell-prsb-dataset.csv"'
    body = response.content.decode()
    assert "# Referrals received from: 2026-01-10" in body
    assert "2026-01-15" in body and "2026-01-05" not in body
    event = AuditEvent.objects.get(action="export", scheme=cast.north.scheme)
    assert event.actor == cast.north.scheme_manager.user
    assert "PRSB" in event.summary and "1 referrals" in event.summary


def test_bad_dates_and_formats_are_refused_without_an_audit_row(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.scheme_manager)
    bad = client.get("/insights/evaluation/prsb.csv", {"date_from_0": "31", "date_from_1": "2", "date_from_2": "2026"})
    assert bad.status_code == 400 and "not valid" in bad.content.decode()
    backwards = client.get(
        "/insights/evaluation/prsb.xlsx",
        {
            "date_from_0": "2",
            "date_from_1": "1",
            "date_from_2": "2026",
            "date_to_0": "1",
            "date_to_1": "1",
            "date_to_2": "2026",
        },
    )
    assert backwards.status_code == 400
    assert client.get("/insights/evaluation/prsb.pdf").status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_dashboard_links_to_both_downloads(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.scheme_manager)
    html = client.get("/insights/").content.decode()
    assert 'href="/insights/evaluation/prsb.csv"' in html and 'href="/insights/evaluation/prsb.xlsx"' in html


def test_the_command_writes_a_csv_and_audits_it(cast: Cast, tmp_path: Path) -> None:
    for day in (0, 10, 20):
        journey(cast.north, day=day)
    out = io.StringIO()
    target = tmp_path / "prsb.csv"
    call_command(
        "export_prsb",
        "--scheme",
        cast.north.scheme.slug,
        "--from",
        "2026-01-10",
        "--to",
        "2026-01-20",
        str(target),
        stdout=out,
    )
    assert "Wrote 1 referrals" in out.getvalue()
    lines = [r for r in csv.reader(io.StringIO(target.read_text(encoding="utf-8"))) if r and not r[0].startswith("#")]
    assert lines[0] == list(COLUMN_NAMES) and len(lines) == 2
    event = AuditEvent.objects.get(action="export")
    assert event.actor is None and event.scheme == cast.north.scheme and "PRSB" in event.summary
    assert [p.name for p in tmp_path.iterdir()] == ["prsb.csv"]  # no temporary file left behind


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--scheme", "nowhere"], "No scheme with the slug 'nowhere'"),
        (["--scheme", "north", "--from", "2026-02-01", "--to", "2026-01-01"], "is after --to"),
        (["--scheme", "north", "--from", "1 Jan 2026"], "is not a date like"),
        (["--scheme", "north", "--to", "2026-02-30"], "is not a date like"),
    ],
)
def test_the_command_refuses_bad_arguments_and_writes_nothing(
    cast: Cast, tmp_path: Path, arguments: list[str], message: str
) -> None:
    journey(cast.north, day=0)
    with pytest.raises(CommandError, match=message):
        call_command("export_prsb", *arguments, str(tmp_path / "out.csv"), stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_command_refuses_a_path_it_cannot_write(cast: Cast, tmp_path: Path) -> None:
    journey(cast.north, day=0)
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export_prsb", "--scheme", "north", str(tmp_path / "missing" / "out.csv"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="it is a folder"):
        call_command("export_prsb", "--scheme", "north", str(tmp_path), stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_command_writes_to_standard_output(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    journey(cast.north, day=0)
    call_command("export_prsb", "--scheme", "north", "-", stdout=io.StringIO())
    assert ",".join(COLUMN_NAMES) in capsys.readouterr().out


def _count_queries(team: SchemeCast) -> int:
    with CaptureQueriesContext(connection) as captured:
        rows = _rows(team)
    assert rows
    return len(captured.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_referrals(cast: Cast) -> None:
    outcome_settings_for(cast.north.scheme)  # created on first use; count only the steady state
    service = service_for(cast.north)
    for index in range(5):
        _add_rich_referral(cast.north, service, index)
    few = _count_queries(cast.north)
    for index in range(5, 20):
        _add_rich_referral(cast.north, service, index)
    assert _count_queries(cast.north) == few
    assert few <= 12, few


def _add_rich_referral(team: SchemeCast, service: Any, index: int) -> None:
    status = (ConnectionStatus.COMPLETED, ConnectionStatus.ATTENDING, ConnectionStatus.DECLINED)[index % 3]
    referral = journey(team, service=service, day=index, connect=status).referral
    Assessment.objects.create(
        referral=referral,
        version=1,
        what_matters="x",
        needs=["debt"],
        assessed_by=team.link_worker.user,
        assessed_by_organisation=team.link_service,
    )
    Goal.objects.create(
        referral=referral,
        description="x",
        created_by=team.link_worker.user,
        created_by_organisation=team.link_service,
    )
    MeasureResponse.objects.create(
        scheme=team.scheme,
        person_id=referral.person_id,
        referral=referral,
        measure="swemwbs",
        timepoint=Timepoint.BASELINE,
        answers={},
        scores={"swemwbs": 20},
        method="with_link_worker",
    )
