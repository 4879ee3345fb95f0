import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from linkwell.connections.models import ConnectionStatus
from linkwell.insights import queries
from linkwell.referrals.models import ClosureReason, Status
from linkwell.testing.access import assert_role_access
from linkwell.testing.cast import Cast, login_as

from .builders import journey, service_for

URL = "/insights/"


def _scheme_data(cast: Cast, count: int) -> None:
    service = service_for(cast.north)
    for index in range(count):
        journey(cast.north, service=service, day=index * 9, contact_after_days=2 + index)


def test_only_scheme_managers_and_admins_see_the_dashboard(client: Client, cast: Cast) -> None:
    assert_role_access(client, cast, URL, allowed={"scheme_manager", "admin"})


def test_each_scheme_sees_only_its_own_figures(client: Client, cast: Cast) -> None:
    journey(cast.north, day=0, postcode="LW9 9ZZ")
    login_as(client, cast.south.scheme_manager)
    html = client.get(URL).content.decode()
    assert "2026-01" not in html
    login_as(client, cast.north.scheme_manager)
    assert "2026-01" in client.get(URL).content.decode()


def test_the_funnel_counts_each_stage_a_referral_reached(cast: Cast) -> None:
    service = service_for(cast.north)
    journey(cast.north, service=service)
    journey(
        cast.north,
        service=service,
        path=(Status.REJECTED,),
        reason="not_eligible",
        contact_after_days=None,
        connect=None,
    )
    journey(
        cast.north,
        path=(Status.ACCEPTED, Status.UNABLE_TO_CONTACT, Status.CLOSED),
        reason=ClosureReason.COULD_NOT_CONTACT,
        contact_after_days=None,
        connect=None,
    )
    journey(cast.south, service=service_for(cast.south, "South walk"))
    data = queries.funnel(queries.Filters(scheme_id=cast.north.scheme.pk))
    counts = {stage["stage"]: stage["count"] for stage in data["stages"]}
    assert counts == {
        "Received": 3,
        "Accepted": 2,
        "Contacted": 1,
        "Assessed": 1,
        "Connected to a service": 1,
        "Completed (got help)": 1,
    }
    rates = {rate["measure"]: (rate["count"], rate["of"]) for rate in data["rates"]}
    assert rates["Not accepted (rejected)"] == (1, 3)
    assert rates["Could not contact (at any point)"] == (1, 2)


def test_waiting_times_give_the_median_and_90th_percentile(cast: Cast) -> None:
    service = service_for(cast.north)
    for days in (1, 2, 3, 4, 10):
        journey(cast.north, service=service, contact_after_days=days)
    waits = {w.label: w for w in queries.waiting_times(queries.Filters(scheme_id=cast.north.scheme.pk))}
    contact = waits["Referral to first contact"]
    assert (contact.count, contact.median, contact.p90) == (5, 3.0, 7.6)
    assert waits["Referral to first connection"].median == 5.0


def test_filters_narrow_every_panel(cast: Cast) -> None:
    service = service_for(cast.north)
    journey(cast.north, service=service, needs=("debt",), day=0)
    journey(cast.north, service=service, needs=("loneliness", "debt"), day=40)
    journey(cast.north, service=service, needs=("housing",), day=80)
    base = queries.Filters(scheme_id=cast.north.scheme.pk)
    assert queries.headline(base)["referrals"] == 3
    debt = queries.Filters(scheme_id=cast.north.scheme.pk, need="debt")
    assert queries.headline(debt)["referrals"] == 2
    assert sum(r["total"] for r in queries.connections_by_category(debt)) == 2
    window = queries.Filters(
        scheme_id=cast.north.scheme.pk, date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 2, 28)
    )
    assert queries.headline(window)["referrals"] == 1
    other = queries.Filters(scheme_id=cast.north.scheme.pk, practice_id=cast.north.other_practice.pk)
    assert queries.headline(other)["referrals"] == 0


def test_referrals_over_time_are_grouped_by_month_and_source(cast: Cast) -> None:
    journey(cast.north, day=0, source="gp")
    journey(cast.north, day=1, source="self")
    journey(cast.north, day=40, source="gp")
    rows = queries.referrals_over_time(queries.Filters(scheme_id=cast.north.scheme.pk))
    assert [(r["month"], r["gp"], r["self"], r["total"]) for r in rows] == [("2026-01", 1, 1, 2), ("2026-02", 1, 0, 1)]


def test_the_dashboard_shows_a_chart_and_a_table_for_each_panel(client: Client, cast: Cast) -> None:
    _scheme_data(cast, 3)
    login_as(client, cast.north.scheme_manager)
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    for heading in (
        "From referral to getting help",
        "Waiting times (days)",
        "Unmet needs by area",
        "Connections by service category",
        "Capacity and waiting lists",
    ):
        assert heading in html
    assert html.count('role="img"') >= 9
    assert html.count("<table") >= 8  # unmet needs has none here


def test_the_number_of_queries_does_not_grow_with_the_data(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.scheme_manager)
    _scheme_data(cast, 2)
    client.get(URL)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    _scheme_data(cast, 8)
    with CaptureQueriesContext(connection) as large:
        client.get(URL)
    assert len(small) == len(large)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from_0": "31", "date_from_1": "2", "date_from_2": "2026"}, "Received from must be a real date"),
        ({"date_from_0": "1", "date_from_1": "", "date_from_2": "2026"}, "Received from must include a month"),
        (
            {
                "date_from_0": "1",
                "date_from_1": "3",
                "date_from_2": "2026",
                "date_to_0": "1",
                "date_to_1": "2",
                "date_to_2": "2026",
            },
            "Received to must be the same as or after received from",
        ),
        ({"need": "nonsense"}, "Choose a need from the list"),
        ({"practice": "not-a-number"}, "Choose a practice from the list"),
        ({"link_worker": "999999"}, "Choose a link worker from the list"),
    ],
)
def test_it_explains_bad_filters(client: Client, cast: Cast, params: dict[str, str], message: str) -> None:
    login_as(client, cast.north.scheme_manager)
    response = client.get(URL, params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "nhsuk-error-summary" in response.content.decode()


def test_it_refuses_another_schemes_practice_as_a_filter(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.scheme_manager)
    response = client.get(URL, {"practice": cast.south.practice.pk})
    assert "Choose a practice from the list" in response.content.decode()


def test_unmet_needs_by_area_never_show_a_small_number(cast: Cast) -> None:
    for index in range(7):
        journey(cast.north, day=index, postcode="LW1 1AB", needs=("debt",), connect=None)
    for index in range(2):
        journey(cast.north, day=index, postcode="LW2 1AB", needs=("debt", "housing"), connect=None)
    unmet = queries.unmet_needs(queries.Filters(scheme_id=cast.north.scheme.pk))
    shown = [value for row in unmet.rows for key, value in row.items() if key != "area"]
    assert all(value is None or value == 0 or value >= 5 for value in shown)
    # The LW2 debt count (2) cannot be worked out from LW1's shown count and the debt total.
    debt = {row["area"]: row["debt"] for row in unmet.rows}
    assert debt["LW2"] is None
    assert debt["LW1"] is None or debt["All areas"] is None


def test_connections_and_attendance_by_provider(cast: Cast) -> None:
    service = service_for(cast.north)
    journey(cast.north, service=service, connect=ConnectionStatus.COMPLETED)
    journey(cast.north, service=service, connect=ConnectionStatus.DECLINED)
    (row,) = queries.providers(queries.Filters(scheme_id=cast.north.scheme.pk))
    assert (row["total"], row["connected"], row["declined"], row["mean_response_days"]) == (2, 1, 1, 2.0)
    assert (row["sessions"], row["attendance_rate"]) == (2, 50.0)
