"""The summary rows stay equal to a recomputation after every kind of write, and the dashboard built on them gives
the same figures as the old queries straight over the source tables (tests/reference.py)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkwell.casework.models import ContactKind
from linkwell.casework.services import contact_log
from linkwell.connections import lifecycle as connection_lifecycle
from linkwell.connections.models import AttendanceStatus, ConnectionStatus
from linkwell.connections.services import attendance_record
from linkwell.connections.tests.factories import make_connection
from linkwell.directory.models import Service
from linkwell.insights import queries
from linkwell.insights.facts import NEED_BITS, NEED_ORDER, rebuild_facts, refresh_facts
from linkwell.insights.models import ConnectionFact, ReferralFact
from linkwell.referrals import lifecycle
from linkwell.referrals.models import ClosureReason, Need, Referral, Status
from linkwell.referrals.tests.factories import make_referral
from linkwell.testing.cast import Cast, SchemeCast
from linkwell.testing.factories import MembershipFactory

from . import reference
from .builders import journey, service_for

pytestmark = pytest.mark.django_db


def _snapshot() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    def rows(model: Any) -> list[dict[str, Any]]:
        out = []
        for row in model.objects.order_by("pk").values():
            # Floats compared to the microsecond: the same SQL computes them both ways.
            out.append({k: round(v, 6) if isinstance(v, float) else v for k, v in row.items()})
        return out

    return rows(ReferralFact), rows(ConnectionFact)


def assert_facts_current() -> None:
    """The rows maintained write by write equal the rows a full rebuild computes from the source tables."""
    maintained = _snapshot()
    rebuild_facts()
    assert _snapshot() == maintained
    assert ReferralFact.objects.count() == Referral.objects.count()


def _fact(referral: Referral) -> ReferralFact:
    return ReferralFact.objects.get(pk=referral.pk)


def test_the_need_bits_follow_the_order_of_the_need_codes() -> None:
    assert tuple(Need.values) == NEED_ORDER
    assert NEED_BITS[Need.LONELINESS] == 1 and NEED_BITS[Need.LOW_MOOD] == 2 and NEED_BITS[Need.DEBT] == 4


def test_a_new_referral_and_each_transition_update_its_summary(cast: Cast) -> None:
    referral = make_referral(cast.north, needs=[Need.DEBT, Need.HOUSING])
    fact = _fact(referral)
    assert (fact.status, fact.accepted, fact.needs) == (
        Status.RECEIVED,
        False,
        NEED_BITS["debt"] | NEED_BITS["housing"],
    )
    assert (
        fact.month
        == timezone.localtime(referral.received_at).year * 100 + timezone.localtime(referral.received_at).month
    )
    assert_facts_current()
    lifecycle.referral_accept(actor=cast.north.link_worker, referral=referral, assigned_to=cast.north.link_worker)
    lifecycle.referral_mark_unable_to_contact(actor=cast.north.link_worker, referral=referral)
    fact = _fact(referral)
    assert (fact.status, fact.accepted, fact.could_not_contact, fact.assigned_to_id) == (
        Status.UNABLE_TO_CONTACT,
        True,
        True,
        cast.north.link_worker.pk,
    )
    lifecycle.referral_close(actor=cast.north.link_worker, referral=referral, reason=ClosureReason.COULD_NOT_CONTACT)
    fact = _fact(referral)
    assert (fact.status, fact.ended_unmet, fact.completed) == (Status.CLOSED, True, False)
    assert_facts_current()


def test_a_rejection_counts_as_rejected_and_unmet(cast: Cast) -> None:
    referral = make_referral(cast.north)
    lifecycle.referral_reject(actor=cast.north.link_worker, referral=referral, reason="not_eligible", note="Too far")
    fact = _fact(referral)
    assert (fact.rejected, fact.ended_unmet, fact.accepted) == (True, True, False)
    assert_facts_current()


def test_a_contact_sets_the_wait_to_first_contact(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ACCEPTED)
    assert _fact(referral).days_to_first_contact is None
    occurred = referral.received_at + dt.timedelta(hours=36)
    if occurred > timezone.now():
        occurred = timezone.now()
    contact_log(
        actor=cast.north.link_worker,
        referral=referral,
        kind=ContactKind.values[0],
        duration_minutes=20,
        successful=True,
        occurred_at=occurred,
    )
    fact = _fact(referral)
    expected = (occurred - referral.received_at).total_seconds() / 86400
    assert fact.days_to_first_contact == pytest.approx(expected, abs=1e-6)
    assert fact.contacted
    assert_facts_current()


def test_connection_status_changes_and_attendance_update_the_summaries(cast: Cast) -> None:
    connection = make_connection(cast.north, status=ConnectionStatus.SENT)
    fact = _fact(connection.referral)
    assert (fact.connected, fact.days_to_first_connection is not None) == (False, True)
    assert ConnectionFact.objects.get(pk=connection.pk).status == ConnectionStatus.SENT
    connection_lifecycle.connection_accept(actor=cast.north.provider, connection=connection)
    assert _fact(connection.referral).connected
    cfact = ConnectionFact.objects.get(pk=connection.pk)
    assert (cfact.status, cfact.response_days is not None) == (ConnectionStatus.ACCEPTED, True)
    attendance_record(
        actor=cast.north.provider,
        connection=connection,
        session_date=timezone.localdate(),
        status=AttendanceStatus.ATTENDED,
    )
    cfact = ConnectionFact.objects.get(pk=connection.pk)
    assert (cfact.sessions, cfact.present) == (1, 1)
    assert_facts_current()


def test_a_postcode_change_moves_the_referrals_to_the_new_district(cast: Cast) -> None:
    referral = make_referral(cast.north)
    person = referral.person
    person.postcode = "LW7 2XY"
    person.save()
    assert _fact(referral).district == "LW7"
    person.postcode = "LW3 1AA"
    person.save(update_fields=["postcode"])
    assert _fact(referral).district == "LW3"
    assert_facts_current()


def test_reassigning_a_referral_moves_it_to_the_new_link_worker(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ACCEPTED)
    other = MembershipFactory.create(organisation=cast.north.link_service, role=cast.north.link_worker.role)
    referral.assigned_to = other
    referral.save()
    assert _fact(referral).assigned_to_id == other.pk
    mine = queries.Filters(scheme_id=cast.north.scheme.pk, link_worker_id=other.pk)
    assert queries.headline(mine)["referrals"] == 1
    assert_facts_current()


def test_writes_that_skip_save_are_caught_up_by_refresh_or_rebuild(cast: Cast) -> None:
    referral = make_referral(cast.north)
    Referral.objects.filter(pk=referral.pk).update(source="self")  # a queryset update sends no signal
    assert _fact(referral).source != "self"
    refresh_facts([referral.pk])
    assert _fact(referral).source == "self"
    Referral.objects.filter(pk=referral.pk).update(source="pharmacy")
    call_command("rebuild_insights", scheme=cast.north.scheme.slug, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _fact(referral).source == "pharmacy"
    with pytest.raises(CommandError, match="No scheme"):
        call_command("rebuild_insights", scheme="no-such-scheme")


def test_rebuilding_one_scheme_leaves_the_others_alone(cast: Cast) -> None:
    north = make_referral(cast.north)
    south = make_referral(cast.south)
    Referral.objects.filter(pk__in=[north.pk, south.pk]).update(source="council")
    assert rebuild_facts(cast.north.scheme.pk) == 1
    assert _fact(north).source == "council"
    assert _fact(south).source != "council"


PANELS = (
    "referrals_over_time",
    "referrals_by_need",
    "funnel",
    "waiting_times",
    "connections_by_category",
    "providers",
    "capacity",
    "headline",
)


def _same_as_reference(filters: queries.Filters, *, wait_tolerance: float = 0.0) -> None:
    """Every panel equals the old queries over the source tables. Waits are stored to 0.01 day, so with waits
    that are not whole days a shown figure (rounded to 0.1) may differ by one step: `wait_tolerance`."""
    for name in PANELS:
        got = getattr(queries, name)(filters)
        want = getattr(reference, name)(filters)
        if name == "waiting_times":
            for mine, theirs in zip(got, want, strict=True):
                assert (mine.label, mine.count) == (theirs.label, theirs.count)
                for value, expected in ((mine.median, theirs.median), (mine.p90, theirs.p90)):
                    assert (value is None) == (expected is None)
                    if value is not None and expected is not None:
                        assert abs(value - expected) <= wait_tolerance + 1e-9
            continue
        assert got == want, name
    got_unmet, want_unmet = queries.unmet_needs(filters), reference.unmet_needs(filters)
    assert (got_unmet.rows, got_unmet.needs) == (want_unmet.rows, want_unmet.needs)


PATHS = (
    (Status.ACCEPTED, Status.CONTACTED, Status.ASSESSED, Status.ACTIVE, Status.CLOSED),
    (Status.ACCEPTED, Status.UNABLE_TO_CONTACT, Status.CLOSED),
    (Status.REJECTED,),
    (Status.ACCEPTED, Status.CONTACTED, Status.ASSESSED),
    (Status.ACCEPTED, Status.UNABLE_TO_CONTACT, Status.CLOSED, Status.REOPENED, Status.CONTACTED),
    (),
)
JOURNEY = st.fixed_dictionaries(
    {
        "north": st.booleans(),
        "day": st.integers(0, 120),
        "path": st.sampled_from(PATHS),
        "reason": st.sampled_from([ClosureReason.COMPLETED, ClosureReason.COULD_NOT_CONTACT, ClosureReason.DECLINED]),
        "needs": st.lists(st.sampled_from(Need.values), min_size=1, max_size=3, unique=True).map(tuple),
        "postcode": st.sampled_from(["LW1 1AB", "LW2 3CD", "LW10 4EF"]),
        "source": st.sampled_from(["gp", "self", "pharmacy"]),
        "contact_after_days": st.one_of(st.none(), st.integers(0, 30)),
        "connect": st.one_of(st.none(), st.sampled_from([s for s in ConnectionStatus.values if s != "stopped"])),
    }
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(journeys=st.lists(JOURNEY, min_size=1, max_size=8))
def test_maintained_summaries_equal_a_rebuild_and_the_dashboard_equals_the_old_queries(
    cast: Cast, journeys: list[dict[str, Any]]
) -> None:
    # Hypothesis runs every example in the same test database, so the data grows from one example to the next.
    services = {
        team.scheme.pk: service_for(team, name=f"Walk {Service.objects.count()}") for team in (cast.north, cast.south)
    }
    for spec in journeys:
        team: SchemeCast = cast.north if spec.pop("north") else cast.south
        journey(team, service=services[team.scheme.pk], **spec)
    assert_facts_current()
    for team in (cast.north, cast.south):
        _same_as_reference(queries.Filters(scheme_id=team.scheme.pk))
    north = cast.north.scheme.pk
    for filters in (
        queries.Filters(scheme_id=north, need=Need.DEBT),
        queries.Filters(scheme_id=north, practice_id=cast.north.practice.pk),
        queries.Filters(scheme_id=north, link_worker_id=cast.north.link_worker.pk),
        queries.Filters(scheme_id=north, date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 3, 31)),
    ):
        _same_as_reference(filters)


def test_the_demo_scheme_has_its_summaries_after_the_build(cast: Cast) -> None:
    from linkwell.demo.builder import build_demo

    scheme = build_demo(people=60)
    assert ReferralFact.objects.filter(scheme_id=scheme.pk).count() == Referral.objects.filter(scheme=scheme).count()
    assert_facts_current()
    _same_as_reference(queries.Filters(scheme_id=scheme.pk), wait_tolerance=0.1)


@given(
    values=st.lists(st.integers(-100, 5000).map(lambda n: n / 100), min_size=1, max_size=60),
    fraction=st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0]),
)
def test_the_histogram_percentile_is_percentile_cont_over_the_values(values: list[float], fraction: float) -> None:
    ordered = sorted(values)
    histogram = sorted(Counter(values).items())
    got = queries._histogram_percentile(histogram, len(values), fraction)
    assert got == pytest.approx(queries._interpolate(ordered, fraction))
