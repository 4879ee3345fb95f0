import csv
import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from linkwell.insights import exports, panels, queries
from linkwell.insights.evaluation import evaluate_period
from linkwell.outcomes.models import AppointmentCount
from linkwell.referrals.models import Referral
from linkwell.testing.access import assert_role_access
from linkwell.testing.cast import Cast, SchemeCast, login_as

from .builders import journey, service_for, swemwbs_measured


def _people_with_outcomes(team: SchemeCast, paired: int, lost: int) -> list[Referral]:
    made = []
    for index in range(paired + lost):
        referral = journey(team, day=index % 3, postcode="LW1 1AB").referral
        swemwbs_measured(team, referral, 18.0 + index % 4, 21.0 + index % 5 if index < paired else None)
        made.append(referral)
    return made


@pytest.mark.parametrize(
    "url",
    ["/insights/evaluation/", "/insights/report.pdf", "/insights/export/dashboard.xlsx", "/insights/export/funnel.csv"],
)
def test_only_scheme_managers_and_admins_reach_the_evaluation_and_downloads(
    client: Client, cast: Cast, url: str
) -> None:
    assert_role_access(client, cast, url, allowed={"scheme_manager", "admin"})


def test_the_evaluation_shows_paired_change_and_loss_to_follow_up(cast: Cast) -> None:
    _people_with_outcomes(cast.north, paired=12, lost=6)
    result = evaluate_period(cast.north.scheme)
    row = result.outcomes.rows[0]
    assert row[1] == 12  # people with both
    assert row[8] == 6  # lost to follow-up
    assert row[9] == 33.3


def test_breakdowns_hide_small_groups_even_from_the_total(cast: Cast) -> None:
    referrals = _people_with_outcomes(cast.north, paired=9, lost=0)
    # Two people in another deprivation/sex group: their count must not show, nor be worked out.
    for referral in referrals[:2]:
        person = referral.person
        person.sex = "1"
        person.save()
    result = evaluate_period(cast.north.scheme)
    sex = next(t for t in result.breakdowns if t.slug == "breakdown-sex")
    counts = {row[0]: row[1] for row in sex.rows}
    assert counts["Male"] == panels.HIDDEN
    shown = [v for v in counts.values() if isinstance(v, int)]
    assert all(v == 0 or v >= 5 for v in shown)
    # With "Male" hidden, at least one more of the non-zero groups or the total is hidden too.
    assert counts["Not known"] == panels.HIDDEN or counts["All people"] == panels.HIDDEN


def test_a_small_number_of_pairs_hides_the_whole_result(cast: Cast) -> None:
    _people_with_outcomes(cast.north, paired=3, lost=0)
    row = evaluate_period(cast.north.scheme).outcomes.rows[0]
    assert row[1] == panels.HIDDEN
    assert row[4] == ""


def test_the_return_on_investment_lists_its_assumptions(client: Client, cast: Cast) -> None:
    referrals = _people_with_outcomes(cast.north, paired=6, lost=0)
    for index, referral in enumerate(referrals):
        AppointmentCount.objects.create(
            scheme=cast.north.scheme,
            person=referral.person,
            referral=referral,
            nhs_number=f"{index:010d}",
            referral_date=dt.date(2026, 1, 5),
            before_12m=8,
            after_12m=5 + index % 2,
        )
    login_as(client, cast.north.scheme_manager)
    html = client.get("/insights/evaluation/").content.decode()
    assert "Cost of a GP appointment" in html
    assert "Assumptions behind the return on investment" in html
    assert "not proof that the scheme caused it" in html


def test_bad_periods_are_explained(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.scheme_manager)
    response = client.get("/insights/evaluation/", {"date_from_0": "1", "date_from_1": "13", "date_from_2": "2026"})
    assert "Baselines from must be a real date" in response.content.decode()
    response = client.get("/insights/report.pdf", {"need": "nonsense"})
    assert response.status_code == 400
    assert "Choose a need from the list" in response.content.decode()


def test_the_report_is_a_pdf_with_every_section(client: Client, cast: Cast) -> None:
    _people_with_outcomes(cast.north, paired=6, lost=2)
    login_as(client, cast.north.scheme_manager)
    response = client.get("/insights/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
    from linkwell.insights.report import HEADINGS

    text = _pdf_text(body)
    for heading in HEADINGS:
        assert heading in text


def _pdf_text(body: bytes) -> str:
    # reportlab compresses page streams with zlib (ASCII85 on top unless told otherwise): decode them all.
    import base64
    import contextlib
    import re
    import zlib

    texts = []
    for stream in re.findall(rb">>\s*stream\r?\n(.*?)endstream", body, re.S):
        data = stream
        if data.rstrip().endswith(b"~>"):
            data = base64.a85decode(data.strip(), adobe=True)
        with contextlib.suppress(zlib.error):
            data = zlib.decompress(data)
        texts.append(data.decode("latin-1"))
    return " ".join(re.findall(r"\((.*?)\) Tj", "\n".join(texts)))


IDENTIFIERS = ("Given", "Family", "LW1 1AB", "1950-05-17", "17/05/1950")


def test_exports_hold_every_table_and_no_direct_identifiers(client: Client, cast: Cast) -> None:
    service = service_for(cast.north)
    for index in range(6):
        journey(cast.north, service=service, day=index * 20)
    login_as(client, cast.north.scheme_manager)
    book = load_workbook(io.BytesIO(client.get("/insights/export/dashboard.xlsx").content))
    tables = panels.dashboard_tables(queries.Filters(scheme_id=cast.north.scheme.pk))
    assert {t.slug[:31] for t in tables} <= set(book.sheetnames)
    everything = " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)
    for table in tables:
        response = client.get(f"/insights/export/{table.slug}.csv")
        assert response.status_code == 200
        everything += response.content.decode()
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert table.columns in rows
    for identifier in IDENTIFIERS:
        assert identifier not in everything
    assert "@" not in everything.replace("'@", "")


def test_csv_cells_cannot_run_as_formulas() -> None:
    table = panels.Table(slug="t", title="T", columns=["Service"], rows=[["=HYPERLINK(1)"]])
    assert "'=HYPERLINK(1)" in exports.table_csv(table, [])


def test_an_unknown_table_is_not_found(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.scheme_manager)
    assert client.get("/insights/export/people.csv").status_code == 404


def test_the_evaluator_extract_is_pseudonymised_and_audited(client: Client, cast: Cast) -> None:
    from linkwell.accounts.models import AuditEvent

    referrals = _people_with_outcomes(cast.north, paired=6, lost=1)
    assert_role_access(client, cast, "/insights/evaluation/extract.csv", allowed={"scheme_manager", "admin"})
    login_as(client, cast.north.scheme_manager)
    body = client.get("/insights/evaluation/extract.csv").content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["pseudonym", "measure", "timepoint", "score", "date"]
    assert len(rows) == 1 + 6 * 2 + 1
    for referral in referrals:
        person = referral.person
        for identifier in (person.given_name, person.family_name, person.postcode, str(person.pk)):
            assert f",{identifier}," not in body and not body.startswith(identifier)
    assert {row[0] for row in rows[1:]} == {
        row[0]
        for row in list(csv.reader(io.StringIO(client.get("/insights/evaluation/extract.csv").content.decode())))[1:]
    }
    assert AuditEvent.objects.filter(action="export", scheme=cast.north.scheme).count() >= 2
